using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace BalcaoVirtual.Web.Infrastructure.Http;

internal static class ApiDefaults
{
    /// <summary>
    /// On every API answer: the service's own clock, in milliseconds since the epoch. The inbox counts deadlines down
    /// against it rather than against the clerk's PC, whose clock may be wrong by minutes or days.
    /// </summary>
    public const string ServerTimeHeader = "X-Server-Time";

    public static IServiceCollection AddApiDefaults(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            // Bodies the framework itself rejects (malformed JSON, wrong content type) get a Portuguese title too.
            if (c.ProblemDetails.Status is >= 400 and < 500 && c.ProblemDetails.Title is null or "Bad Request")
            {
                c.ProblemDetails.Title = Texts.BadRequestTitle;
            }
        });
        // A malformed body is the client's mistake: a 400 in every environment, never an exception page or a 500
        // (Development would otherwise throw it).
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        services.AddExceptionHandler<StoreOutageHandler>();
        services.AddRateLimits(configuration);
        services.AddProxies(configuration);
        services.Configure<ExceptionHandlerOptions>(o =>
            o.StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);
        return services;
    }

    public static WebApplication UseApiDefaults(this WebApplication app)
    {
        // Behind the reverse proxy (deploy/nginx): the client's address and scheme as the proxy saw them, for the audit
        // trail, the rate limits and secure cookies. Loopback proxies and those in Proxies:Trusted only (see Proxies).
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRateLimiter();
        var time = app.Services.GetRequiredService<TimeProvider>();
        app.Use((http, next) =>
        {
            if (http.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
            {
                http.Response.Headers[ServerTimeHeader] = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return next(http);
        });
        return app;
    }
}
