using BalcaoVirtual.Web.Infrastructure;
using BalcaoVirtual.Web.Infrastructure.Jobs;
using Hangfire;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.CaseAlerts;

public static class CaseAlertsFeature
{
    /// <summary>Case-movement alerts: the subscriptions the chatbot keeps, and the recurring job that checks DataJud.</summary>
    public static IServiceCollection AddCaseAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStrictOptions<CaseAlertOptions, CaseAlertOptionsValidator>(configuration, CaseAlertOptions.Section);
        services.AddSingleton<CaseFollows>();
        services.AddSingleton<ICaseFollows>(sp => sp.GetRequiredService<CaseFollows>());
        services.AddSingleton<CaseAlertJob>();
        if (Sla.SlaFeature.RunsJobs(configuration))
        {
            services.AddRecurringJob(CaseAlertJob.JobId, sp => recurring =>
                recurring.AddOrUpdate<CaseAlertJob>(CaseAlertJob.JobId, Sla.SlaJobs.Queue, j => j.RunAsync(), sp.GetRequiredService<IOptions<CaseAlertOptions>>().Value.Cron));
        }

        return services;
    }
}
