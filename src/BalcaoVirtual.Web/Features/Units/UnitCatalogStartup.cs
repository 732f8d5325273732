namespace BalcaoVirtual.Web.Features.Units;

/// <summary>Loads the catalogue while the host starts, so that a bad file stops start-up rather than the first request.</summary>
internal sealed partial class UnitCatalogStartup(IServiceProvider services, ILogger<UnitCatalogStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var catalog = services.GetRequiredService<UnitCatalog>();
        LogLoaded(logger, catalog.Units.Count, catalog.Courts.Count);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Units catalogue loaded: {Units} units of {Courts} court(s)")]
    private static partial void LogLoaded(ILogger logger, int units, int courts);
}
