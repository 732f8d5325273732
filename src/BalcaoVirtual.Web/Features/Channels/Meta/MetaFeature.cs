using BalcaoVirtual.Web.Infrastructure;
using BalcaoVirtual.Web.Infrastructure.Http;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Channels.Meta;

public static class MetaFeature
{
    public const string WebhookPath = "/webhooks/meta";

    public static IServiceCollection AddMeta(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStrictOptions<MetaOptions, MetaOptionsValidator>(configuration, MetaOptions.Section);
        services.AddHttpClient<MetaTransport>()
            .AddOutboundResilience(sp => sp.GetRequiredService<IOptions<MetaOptions>>().Value.RequestTimeout);
        return services;
    }

    public static IEndpointRouteBuilder MapMeta(this IEndpointRouteBuilder app)
    {
        // Anonymous by design: Meta proves itself with X-Hub-Signature-256 (and the verify token on GET).
        app.MapGet(WebhookPath, MetaWebhook.Verify).AllowAnonymous();
        app.MapPost(WebhookPath, MetaWebhook.ReceiveAsync).AllowAnonymous().DisableAntiforgery();
        return app;
    }
}
