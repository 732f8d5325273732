using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Channels.Twilio;

public static class TwilioFeature
{
    public static IServiceCollection AddTwilio(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TwilioOptions>()
            .Bind(configuration.GetSection(TwilioOptions.Section), o => o.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>();
        return services;
    }

    public static IEndpointRouteBuilder MapTwilio(this IEndpointRouteBuilder app)
    {
        // Anonymous by design: Twilio proves itself with X-Twilio-Signature, checked before anything is read.
        app.MapPost("/webhooks/twilio", TwilioWebhook.ReceiveAsync).AllowAnonymous().DisableAntiforgery();
        return app;
    }
}
