using BalcaoVirtual.Web.Infrastructure;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BalcaoVirtual.Web.Infrastructure.Mail;

/// <summary>Sends e-mail. Throws when the message could not be handed over, so that the caller (a job) retries.</summary>
public interface IMailSender
{
    MailboxAddress From { get; }

    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>MailKit over SMTP, one connection per message (alerts are few); or .eml files in a folder without a server.</summary>
internal sealed partial class MailKitSender(IOptions<SmtpOptions> options, TimeProvider time, ILogger<MailKitSender> logger) : IMailSender
{
    private SmtpOptions Options => options.Value;

    public MailboxAddress From => MailboxAddress.Parse(Options.From);

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.From.Count == 0)
        {
            message.From.Add(From);
        }

        if (!Options.IsConfigured)
        {
            Directory.CreateDirectory(Options.PickupDirectory);
            // Written aside and renamed, so the folder never holds half a message (a crash mid-write leaves a .tmp).
            var name = $"{time.GetUtcNow():yyyyMMddHHmmssfff}-{Guid.NewGuid():N}";
            var partial = Path.Combine(Options.PickupDirectory, name + ".tmp");
            await message.WriteToAsync(partial, cancellationToken).ConfigureAwait(false);
            File.Move(partial, Path.Combine(Options.PickupDirectory, name + ".eml"));
            LogPickedUp(logger, message.MessageId ?? "", Options.PickupDirectory);
            return;
        }

        using var client = new SmtpClient { Timeout = (int)Options.Timeout.TotalMilliseconds };
        await client.ConnectAsync(Options.Host!, Options.Port, Options.Security, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(Options.UserName))
        {
            await client.AuthenticateAsync(Options.UserName, Options.Password ?? "", cancellationToken).ConfigureAwait(false);
        }

        await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
        LogSent(logger, message.MessageId ?? "");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "E-mail {MessageId} written to {Folder} (no SMTP server configured)")]
    private static partial void LogPickedUp(ILogger logger, string messageId, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "E-mail {MessageId} handed to the SMTP server")]
    private static partial void LogSent(ILogger logger, string messageId);
}

public static class MailServiceCollectionExtensions
{
    public static IServiceCollection AddMail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStrictOptions<SmtpOptions, SmtpOptionsValidator>(configuration, SmtpOptions.Section);
        services.AddSingleton<IMailSender, MailKitSender>();
        return services;
    }
}
