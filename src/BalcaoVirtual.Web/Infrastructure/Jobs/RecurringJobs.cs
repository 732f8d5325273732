using Hangfire;
using Hangfire.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Infrastructure.Jobs;

/// <summary>One recurring job (or its removal) that a feature asks for on nodes that run jobs.</summary>
public sealed record RecurringRegistration(string JobId, Action<IRecurringJobManager> Apply);

public static class RecurringJobsExtensions
{
    /// <summary>Asks for a recurring job; the <see cref="RecurringJobsRegistrar"/> applies it after start-up.</summary>
    public static IServiceCollection AddRecurringJob(this IServiceCollection services, string jobId, Func<IServiceProvider, Action<IRecurringJobManager>> apply)
    {
        services.AddSingleton(sp => new RecurringRegistration(jobId, apply(sp)));
        services.AddHostedService<RecurringJobsRegistrar>(); // added once however often it is asked for (TryAddEnumerable)
        return services;
    }
}

/// <summary>
/// Registers the recurring jobs in the background and keeps trying until each is in. Registering takes a lock in the
/// store; a node killed while it held that lock (SIGKILL, power) leaves it until it expires, and a store can be away:
/// neither may stop the service from starting (it did: the restarted node exited), only delay the registration.
/// </summary>
internal sealed partial class RecurringJobsRegistrar(
    IRecurringJobManager recurring, IEnumerable<RecurringRegistration> registrations, TimeProvider time, ILogger<RecurringJobsRegistrar> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // never on the start-up path: a lock wait here would hold the host
        var pending = registrations.ToList();
        while (pending.Count > 0 && !stoppingToken.IsCancellationRequested)
        {
            foreach (var registration in pending.ToList())
            {
                try
                {
                    registration.Apply(recurring);
                    pending.Remove(registration);
                }
                catch (Exception ex) when (ex is DistributedLockTimeoutException or RedisException or TimeoutException)
                {
                    LogNotYet(logger, registration.JobId, ex.GetType().Name, RetryEvery.TotalSeconds);
                }
            }

            if (pending.Count > 0)
            {
                try
                {
                    await Task.Delay(RetryEvery, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recurring job {JobId} not registered yet ({Error}); trying again in {Seconds} s")]
    private static partial void LogNotYet(ILogger logger, string jobId, string error, double seconds);
}
