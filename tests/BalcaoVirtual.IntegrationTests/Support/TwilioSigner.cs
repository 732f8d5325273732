using System.Text;
using BalcaoVirtual.Web.Features.Channels.Twilio;

namespace BalcaoVirtual.IntegrationTests.Support;

/// <summary>Sends webhooks the way Twilio does: form-encoded, signed over the public URL.</summary>
internal static class TwilioSigner
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "test-auth-token-0123456789";
    public const string PublicBaseUrl = "https://balcao.trt8.jus.br";

    public static Dictionary<string, string?> Settings => new()
    {
        ["Twilio:AccountSid"] = AccountSid,
        ["Twilio:AuthToken"] = AuthToken,
        ["Twilio:PublicBaseUrl"] = PublicBaseUrl,
    };

    public static Task<HttpResponseMessage> PostAsync(
        HttpClient client, string path, IReadOnlyList<KeyValuePair<string, string>> form, string? signUrl = null, string? token = null, string? signature = null)
    {
        var body = string.Join('&', form.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        var grouped = form.GroupBy(p => p.Key).Select(g => new KeyValuePair<string, IReadOnlyList<string>>(g.Key, g.Select(p => p.Value).ToList()));
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add(TwilioSignature.Header, signature ?? TwilioSignature.Compute(token ?? AuthToken, signUrl ?? PublicBaseUrl + path, grouped));
        return client.SendAsync(request);
    }

    public static List<KeyValuePair<string, string>> Inbound(string sid, string body, string from = "whatsapp:+5591981234567", string to = "whatsapp:+559621010210") =>
    [
        new("MessageSid", sid),
        new("SmsMessageSid", sid),
        new("SmsSid", sid),
        new("AccountSid", AccountSid),
        new("From", from),
        new("To", to),
        new("Body", body),
        new("NumMedia", "0"),
        new("NumSegments", "1"),
        new("SmsStatus", "received"),
        new("ApiVersion", "2010-04-01"),
        new("ProfileName", "Maria"),
        new("WaId", from.Replace("whatsapp:+", "", StringComparison.Ordinal)),
    ];

    public static string Sid(int n) => "SM" + n.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
}
