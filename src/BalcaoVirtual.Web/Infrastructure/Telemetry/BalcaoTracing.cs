using System.Diagnostics;

namespace BalcaoVirtual.Web.Infrastructure.Telemetry;

/// <summary>
/// The service's own spans, next to ASP.NET Core's request spans: a message stored, a bot turn, a send, a DataJud
/// query, an SLA check or delivery, a mailbox poll. Tags carry ids and outcomes only: never a phone number, an
/// address or a word a citizen wrote (conversation ids are digests).
/// </summary>
public static class BalcaoTracing
{
    public const string SourceName = "BalcaoVirtual";

    public static readonly ActivitySource Source = new(SourceName, typeof(BalcaoTracing).Assembly.GetName().Version?.ToString());

    /// <summary>Marks a span failed with what went wrong (a code or an exception type, no text).</summary>
    public static void Failed(this Activity? activity, string code)
    {
        activity?.SetStatus(ActivityStatusCode.Error, code);
        activity?.SetTag("balcao.error", code);
    }
}
