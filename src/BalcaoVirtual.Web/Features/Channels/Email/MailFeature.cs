using BalcaoVirtual.Web.Infrastructure.Jobs;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Sla;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Hangfire;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Channels.Email;

public static class MailFeature
{
    public static IServiceCollection AddEmailChannel(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStrictOptions<MailOptions>(configuration, MailOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => SlaOptionsValidator.LooksLikeCron(o.PollCron), "Mail:PollCron is not a cron expression such as '* * * * *' (every minute).");
        services.AddSingleton<MailboxPoller>();
        services.AddSingleton<MailThreads>();
        services.AddSingleton<MailOriginals>();
        services.AddSingleton<MailAutoReplies>();
        services.AddSingleton<MailTransport>();
        services.AddKeyedSingleton<IOutboundTransport>(Channel.Email, (sp, _) => sp.GetRequiredService<MailTransport>());
        services.AddTransient<MailJobs>();
        if (SlaFeature.RunsJobs(configuration))
        {
            // Workers of their own: mailboxes that hang until their timeout never hold up the SLA's warnings and alerts.
            services.AddHangfireServer((sp, server) =>
            {
                server.WorkerCount = sp.GetRequiredService<IOptions<MailOptions>>().Value.Workers;
                server.SchedulePollingInterval = sp.GetRequiredService<IOptions<SlaOptions>>().Value.SchedulePollingInterval;
                server.Queues = [MailJobs.Queue];
                server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:mail:{Guid.NewGuid().ToString("N")[..6]}";
            });
            services.AddRecurringJob("mail-polling", sp => recurring =>
            {
                var cron = sp.GetRequiredService<IOptions<MailOptions>>().Value.PollCron;
                foreach (var mailbox in sp.GetRequiredService<UnitCatalog>().Mailboxes)
                {
                    var id = mailbox.Id;
                    recurring.AddOrUpdate<MailJobs>(MailJobs.JobId(id), MailJobs.Queue, j => j.PollAsync(id), cron);
                }
            });
        }

        return services;
    }
}

/// <summary>One recurring Hangfire job per mailbox, so a slow or broken mailbox never delays the others.</summary>
internal sealed partial class MailJobs(
    MailboxPoller poller, RedisConnections redis, RedisKeys keys, IOptions<MailOptions> options, TimeProvider time, ILogger<MailJobs> logger)
{
    public const string Queue = "mail";

    public static string JobId(string mailboxId) => "mail-poll:" + mailboxId;

    /// <summary>Polls one mailbox (a unit's or a court's id). A failure is logged and kept as the mailbox's status; the next run tries again.</summary>
    [AutomaticRetry(Attempts = 0)]
    [Queue(Queue)]
    public async Task PollAsync(string mailboxId)
    {
        var status = keys.MailboxStatus(mailboxId);
        // One poll of a mailbox at a time, across nodes: a poll still running (a slow server) is not joined by the next.
        var owner = Guid.NewGuid().ToString("N");
        var lockKey = keys.MailboxPolling(mailboxId);
        var db = redis.GetDatabase();
        if (!await db.StringSetAsync(lockKey, owner, options.Value.Timeout * 20, When.NotExists).ConfigureAwait(false))
        {
            LogStillRunning(logger, mailboxId);
            return;
        }

        try
        {
            var result = await poller.PollAsync(mailboxId, CancellationToken.None).ConfigureAwait(false);
            await redis.GetDatabase().HashSetAsync(status,
            [
                new("lastOkAt", time.GetUtcNow().ToString("O")), new("failures", 0), new("lastError", ""),
                new("lastStored", result.Stored),
            ]).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var failures = await redis.GetDatabase().HashIncrementAsync(status, "failures").ConfigureAwait(false);
            await redis.GetDatabase().HashSetAsync(status,
                [new("lastError", ex.GetType().Name), new("lastErrorAt", time.GetUtcNow().ToString("O"))]).ConfigureAwait(false);
            LogFailed(logger, mailboxId, ex.GetType().Name, failures);
        }
        finally
        {
            await db.ScriptEvaluateAsync(
                "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
                [lockKey], [owner]).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Mailbox {MailboxId} is still being read by an earlier poll; this one is skipped")]
    private static partial void LogStillRunning(ILogger logger, string mailboxId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mailbox {MailboxId} could not be read ({Error}), {Failures} time(s) in a row; retried at the next poll")]
    private static partial void LogFailed(ILogger logger, string mailboxId, string error, long failures);
}
