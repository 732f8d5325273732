using System.Collections.Concurrent;
using BalcaoVirtual.Web.Infrastructure.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BalcaoVirtual.Tests.Infrastructure;

/// <summary>The redaction layer every log line passes: e-mails, phones and CPFs out; ids, case numbers and times left alone.</summary>
public sealed partial class LogRedactionTests
{
    [TestCase("contato maria.silva+balcao@exemplo.com.br ok", "contato [e-mail] ok")]
    [TestCase("CPF 123.456.789-09.", "CPF [cpf].")]
    [TestCase("cpf=12345678909", "cpf=[cpf]")]
    [TestCase("de whatsapp:+5591981234567 para +559621010210", "de whatsapp:[telefone] para [telefone]")]
    [TestCase("numero 5591981234567", "numero [telefone]")]
    [TestCase("ligar (91) 98123-4567 ou 98123-4567", "ligar [telefone] ou [telefone]")]
    [TestCase("processo 0001234-56.2025.5.08.0210", "processo 0001234-56.2025.5.08.0210")]
    [TestCase("processo 00012345620255080210", "processo 00012345620255080210")]
    [TestCase("conversation 504de5858c3b0ca85d4f-1a207db8fe5b8cb54a136 message 1a207db906e973d795098", "conversation 504de5858c3b0ca85d4f-1a207db8fe5b8cb54a136 message 1a207db906e973d795098")]
    [TestCase("at 2026-11-23T12:00:00.0000000+00:00 in 1,234 ms", "at 2026-11-23T12:00:00.0000000+00:00 in 1,234 ms")]
    public void Redact_RemovesPersonalData_AndNothingElse(string text, string expected) =>
        Assert.That(LogRedaction.Redact(text), Is.EqualTo(expected));

    [Test]
    public void EveryProvider_GetsTheMessage_TheValues_AndTheException_Redacted()
    {
        var capture = new Capture();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton<ILoggerProvider>(capture);
        services.AddLogRedaction();
        using var provider = services.BuildServiceProvider();
        var logger = provider.GetRequiredService<ILogger<LogRedactionTests>>();

        LogLeak(logger, "whatsapp:+5591981234567", "123.456.789-09", new InvalidOperationException("bad address maria@exemplo.com.br"));

        var entry = capture.Entries.Single();
        Assert.Multiple(() =>
        {
            Assert.That(entry.Message, Is.EqualTo("Message from whatsapp:[telefone] with CPF [cpf]"));
            Assert.That(entry.Values, Does.Contain("From=whatsapp:[telefone]").And.Contain("Cpf=[cpf]").And.Contain("{OriginalFormat}=Message from {From} with CPF {Cpf}"));
            Assert.That(entry.Exception, Does.Contain("bad address [e-mail]").And.Contain("InvalidOperationException").And.Not.Contain("maria@"));
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message from {From} with CPF {Cpf}")]
    private static partial void LogLeak(ILogger logger, string from, string cpf, Exception exception);

    private sealed class Capture : ILoggerProvider
    {
        public ConcurrentQueue<(string Message, string Values, string Exception)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Entries);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<(string, string, string)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue((formatter(state, exception),
                    state is IReadOnlyList<KeyValuePair<string, object?>> values ? string.Join("|", values.Select(v => $"{v.Key}={v.Value}")) : "",
                    exception?.ToString() ?? ""));
        }
    }
}
