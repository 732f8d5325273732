using BalcaoVirtual.Web.Infrastructure;
using BalcaoVirtual.Web.Infrastructure.Jobs;
using Hangfire;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Appointments;

public static class AppointmentsFeature
{
    /// <summary>Video-desk appointments: the slots each unit offers, the store that books them, and the reminders.</summary>
    public static IServiceCollection AddAppointments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStrictOptions<AppointmentOptions, AppointmentOptionsValidator>(configuration, AppointmentOptions.Section);
        services.AddSingleton<AppointmentSlots>();
        services.AddSingleton<AppointmentBook>();
        services.AddSingleton<IAppointments>(sp => sp.GetRequiredService<AppointmentBook>());
        services.AddSingleton<AppointmentReminderJob>();
        if (Sla.SlaFeature.RunsJobs(configuration))
        {
            services.AddRecurringJob(AppointmentReminderJob.JobId, sp => recurring =>
                recurring.AddOrUpdate<AppointmentReminderJob>(AppointmentReminderJob.JobId, Sla.SlaJobs.Queue, j => j.RunAsync(),
                    sp.GetRequiredService<IOptions<AppointmentOptions>>().Value.ReminderCron));
        }

        return services;
    }

    /// <summary>The clerks' agenda API, and the public booking form.</summary>
    public static IEndpointRouteBuilder MapAppointmentsFeature(this IEndpointRouteBuilder app) => app.MapAppointments().MapPublicBooking();
}
