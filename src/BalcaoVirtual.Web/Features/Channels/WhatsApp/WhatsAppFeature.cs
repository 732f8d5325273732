using Hangfire;
using BalcaoVirtual.Web.Infrastructure.Jobs;
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
            // The keep-alive sweep when it is on; removed when it is off.
            services.AddRecurringJob(WhatsAppKeepAlive.JobId, sp => recurring =>
            {
                var options = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WhatsAppOptions>>().Value;
                if (options.KeepAliveBefore is null)
                {
                    recurring.RemoveIfExists(WhatsAppKeepAlive.JobId);
                }
                else
                {
                    recurring.AddOrUpdate<WhatsAppKeepAlive>(WhatsAppKeepAlive.JobId, Sla.SlaJobs.Queue, j => j.SweepAsync(), options.KeepAliveCron);
                }
            });
        }

        return services;
    }
}
