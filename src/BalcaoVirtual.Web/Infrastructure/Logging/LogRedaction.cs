using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Infrastructure.Logging;

/// <summary>
/// The last line of defence for personal data in logs (LGPD): log calls carry ids only, and anything that looks like
/// an e-mail address, a phone number or a CPF that reaches a log anyway is replaced before any provider writes it, in
/// the message, in the structured values and in exception texts.
/// </summary>
public static partial class LogRedaction
{
    public const string Email = "[e-mail]";
    public const string Phone = "[telefone]";
    public const string Cpf = "[cpf]";

    public static string Redact(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        text = EmailPattern().Replace(text, Email);
        text = CpfPattern().Replace(text, Cpf);
        return PhonePattern().Replace(text, Phone);
    }

    /// <summary>Every logger provider, including ones added later (tests, exporters), writes through the redaction.</summary>
    public static IServiceCollection AddLogRedaction(this IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new LoggerFactory(
            sp.GetServices<ILoggerProvider>().Select(p => new RedactingLoggerProvider(p)),
            sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            sp.GetService<IOptions<LoggerFactoryOptions>>(),
            sp.GetService<IExternalScopeProvider>())));
        return services;
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+")]
    private static partial Regex EmailPattern();

    // 123.456.789-09 or 12345678909 standing alone (not inside a longer number such as a CNJ number).
    [GeneratedRegex(@"(?<!\d|\d[.\-])(\d{3}\.\d{3}\.\d{3}-\d{2}|\d{11})(?!\d|[.\-]\d)")]
    private static partial Regex CpfPattern();

    // +5591981234567, whatsapp:+55…, 5591981234567, (91) 98123-4567, 98123-4567.
    [GeneratedRegex(@"\+\d{8,15}\b|(?<!\d|\d[.\-])55\d{10,11}(?!\d|[.\-]\d)|\(\d{2}\)\s?9?\d{4}-?\d{4}|(?<!\d|\d[.\-])9?\d{4}-\d{4}(?!\d|[.\-]\d)")]
    private static partial Regex PhonePattern();
}

internal sealed class RedactingLoggerProvider(ILoggerProvider inner) : ILoggerProvider, ISupportExternalScope
{
    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        if (inner is ISupportExternalScope scoped)
        {
            scoped.SetScopeProvider(scopeProvider);
        }
    }

    public void Dispose() => inner.Dispose();
}

internal sealed class RedactingLogger(ILogger inner) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }

        var values = state as IReadOnlyList<KeyValuePair<string, object?>>;
        var safe = new RedactedState(
            LogRedaction.Redact(formatter(state, exception)),
            values?.Select(v => new KeyValuePair<string, object?>(v.Key, v.Value is string s && v.Key != "{OriginalFormat}" ? LogRedaction.Redact(s) : v.Value)).ToList() ?? []);
        inner.Log(logLevel, eventId, safe, exception is null ? null : new RedactedException(exception), static (s, _) => s.Message);
    }
}

/// <summary>The structured state of a log entry with its texts redacted; it prints as the redacted message.</summary>
internal sealed class RedactedState(string message, IReadOnlyList<KeyValuePair<string, object?>> values) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public string Message { get; } = message;

    public int Count => values.Count;

    public KeyValuePair<string, object?> this[int index] => values[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Message;
}

/// <summary>An exception as logged: its type and stack kept, its texts (which may quote input) redacted.</summary>
#pragma warning disable CA1032 // only ever built around another exception
internal sealed class RedactedException(Exception original) : Exception(LogRedaction.Redact(original.Message))
#pragma warning restore CA1032
{
    public override string? StackTrace => original.StackTrace;

    public override string ToString() => LogRedaction.Redact(original.ToString());
}
