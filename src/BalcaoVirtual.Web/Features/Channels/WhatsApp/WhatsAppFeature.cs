using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Channels.WhatsApp;

public static class WhatsAppFeature
{
    /// <summary>The 24-hour window's templates and the guard that holds late answers (whichever provider sends them).</summary>
    public static IServiceCollection AddWhatsApp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStrictOptions<WhatsAppOptions, WhatsAppOptionsValidator>(configuration, WhatsAppOptions.Section);
        services.AddSingleton<WhatsAppWindowGuard>();
        services.AddSingleton<WhatsAppKeepAlive>();
        services.AddSingleton<IConversationObserver>(sp => sp.GetRequiredService<WhatsAppKeepAlive>());
        if (Sla.SlaFeature.RunsJobs(configuration))
        {
            services.AddHostedService<WhatsAppStartup>();
        }

        return services;
    }
}
