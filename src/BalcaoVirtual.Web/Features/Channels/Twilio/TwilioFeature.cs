using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure;
using BalcaoVirtual.Web.Infrastructure.Http;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Channels.Twilio;

public static class TwilioFeature
{
    public const string InboundPath = "/webhooks/twilio";
    public const string StatusPath = "/webhooks/twilio/status";

    public static IServiceCollection AddTwilio(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStrictOptions<TwilioOptions, TwilioOptionsValidator>(configuration, TwilioOptions.Section);
        services.AddHttpClient<TwilioTransport>()
            .AddOutboundResilience(sp => sp.GetRequiredService<IOptions<TwilioOptions>>().Value.RequestTimeout);
        services.AddSingleton<LocalOutboxTransport>();
        services.AddSingleton<TwilioAccounts>();
        services.AddHttpClient(DevPhone.LoopbackClient);
        static IOutboundTransport TwilioOrLocal(IServiceProvider sp) => sp.GetRequiredService<IOptions<TwilioOptions>>().Value.IsConfigured
            ? sp.GetRequiredService<TwilioTransport>()
            : sp.GetRequiredService<LocalOutboxTransport>();
        services.AddKeyedSingleton(Channel.Sms, (sp, _) => TwilioOrLocal(sp));
        services.AddKeyedSingleton<IOutboundTransport>(Channel.WhatsApp, (sp, _) => new WhatsApp.WhatsAppRouter(TwilioOrLocal(sp), sp.GetRequiredService<Meta.MetaTransport>()));

        return services;
    }

    public static IEndpointRouteBuilder MapTwilio(this IEndpointRouteBuilder app)
    {
        // Anonymous by design: Twilio proves itself with X-Twilio-Signature, checked before anything is read.
        app.MapPost(InboundPath, TwilioWebhook.ReceiveAsync).AllowAnonymous().DisableAntiforgery();
        app.MapPost(StatusPath, TwilioStatusCallback.ReceiveAsync).AllowAnonymous().DisableAntiforgery();
        DevPhone.Map(app);
        return app;
    }
}
