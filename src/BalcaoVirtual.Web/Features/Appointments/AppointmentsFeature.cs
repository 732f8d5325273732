namespace BalcaoVirtual.Web.Features.Appointments;

public static class AppointmentsFeature
{
    /// <summary>Video-desk appointments: the slots each unit offers and the store that books them.</summary>
    public static IServiceCollection AddAppointments(this IServiceCollection services)
    {
        services.AddSingleton<AppointmentSlots>();
        services.AddSingleton<AppointmentBook>();
        services.AddSingleton<IAppointments>(sp => sp.GetRequiredService<AppointmentBook>());
        return services;
    }
}
