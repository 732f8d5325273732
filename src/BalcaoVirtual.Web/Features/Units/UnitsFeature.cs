using BalcaoVirtual.Web.Infrastructure;
using BalcaoVirtual.Web.Resources;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Units;

public static class UnitsFeature
{
    public static IServiceCollection AddUnits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStrictOptions<UnitsOptions>(configuration, UnitsOptions.Section)
            .ValidateDataAnnotations();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<UnitsOptions>>().Value;
            var environment = sp.GetRequiredService<IHostEnvironment>();
            return UnitCatalogLoader.LoadDocument(ResolveDataPath(options.Catalog, environment.ContentRootPath));
        });
        services.AddSingleton(sp =>
        {
            var file = sp.GetRequiredService<UnitCatalogFile>();
            return UnitCatalogLoader.Build(file.Document, file.Path);
        });
        services.AddSingleton<UnitSettingsStore>();
        services.AddHostedService<UnitCatalogStartup>();
        services.AddHostedService<UnitSettingsSync>();
        return services;
    }

    /// <summary>
    /// A relative path is looked up from the content root upwards, then from the application's own folder upwards (the data shipped
    /// beside the binaries, whatever the working folder); when absent the error names the content-root path.
    /// </summary>
    internal static string ResolveDataPath(string configured, string contentRoot) =>
        Path.IsPathRooted(configured)
            ? configured
            : Files.FindUpwards(configured, contentRoot)
              ?? Files.FindUpwards(configured, AppContext.BaseDirectory)
              ?? Path.Combine(contentRoot, configured);

    public static IEndpointRouteBuilder MapUnits(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/units").AllowAnonymous();
        group.MapGet("/", (UnitCatalog catalog) => catalog.Units.Select(UnitView.From));
        group.MapGet("/{id}", (string id, UnitCatalog catalog) =>
            catalog.Find(id) is { } unit
                ? Results.Ok(UnitView.From(unit))
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: Texts.UnitNotFoundTitle, detail: Texts.Format(nameof(Texts.UnitNotFound), id)));
        app.MapUnitSettings();
        return app;
    }
}

/// <summary>The public face of a unit: what the court publishes anyway. Managers' contacts stay private.</summary>
public sealed record UnitView(
    string Id,
    string Court,
    string Name,
    string City,
    string State,
    string IbgeCode,
    bool ForaDaSede,
    IReadOnlyList<string> OriginCodes,
    IReadOnlyList<Municipality> Municipalities,
    UnitChannels Channels,
    string? VideoDeskUrl,
    IReadOnlyList<ServicePeriodView> ServiceHours,
    string TimeZone,
    SlaView Sla)
{
    public static UnitView From(Unit u) => new(
        u.Id, u.Court.Id, u.Name, u.City, u.State, u.IbgeCode, u.ForaDaSede, u.OriginCodes, u.Municipalities, u.Channels,
        u.VideoDeskUrl?.ToString(),
        u.ServiceHours.Select(p => new ServicePeriodView(
            p.Days.Order().Select(d => d.ToString()).ToList(), p.From.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture), p.To.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture))).ToList(),
        u.TimeZone.Id,
        new SlaView(u.Sla.ResponseWindow?.TotalHours, u.Sla.Counting == SlaCounting.Calendar ? "calendar" : "serviceHours"));
}

public sealed record ServicePeriodView(IReadOnlyList<string> Days, string From, string To);

/// <summary>A unit's deadline as the public sees it; a null window means no deadline.</summary>
public sealed record SlaView(double? ResponseWindowHours, string Counting);
