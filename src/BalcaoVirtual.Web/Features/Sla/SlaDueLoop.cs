namespace BalcaoVirtual.Web.Features.Sla;

/// <summary>
/// On each node that runs jobs: every <see cref="SlaOptions.DuePollInterval"/>, the periods whose next point (a
/// warning, the due time, the escalation) has come are taken from the due index and checked. The index is the
/// schedule: nothing is stored per waiting period beyond it, and a node that was down finds what fell due meanwhile.
/// </summary>
internal sealed partial class SlaDueLoop(IServiceProvider services, Microsoft.Extensions.Options.IOptions<SlaOptions> options, TimeProvider time, ILogger<SlaDueLoop> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(options.Value.DuePollInterval, time, stoppingToken).ConfigureAwait(false);
                try
                {
                    await services.GetRequiredService<SlaJobs>().CheckDueAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A store outage or anything unexpected: the claimed periods come back after their lease.
                    LogFailed(logger, ex.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SLA due checks failed ({Error}); trying again at the next poll")]
    private static partial void LogFailed(ILogger logger, string error);
}
