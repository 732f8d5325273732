using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Http.Json;

namespace BalcaoVirtual.Web.Infrastructure.Http;

internal static class ApiDefaults
{
    public static IServiceCollection AddApiDefaults(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            // Bodies the framework itself rejects (malformed JSON, wrong content type) get a Portuguese title too.
            if (c.ProblemDetails.Status is >= 400 and < 500 && c.ProblemDetails.Title is null or "Bad Request")
            {
                c.ProblemDetails.Title = Texts.BadRequestTitle;
            }
        });
        services.Configure<JsonOptions>(o => o.SerializerOptions.AllowTrailingCommas = false);
        return services;
    }

    public static WebApplication UseApiDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
