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

    /// <summary>The admins' unit settings; the public list and feed are the public feature's (GET /, /api/units).</summary>
    public static IEndpointRouteBuilder MapUnits(this IEndpointRouteBuilder app)
    {
        app.MapUnitSettings();
        return app;
    }
}
