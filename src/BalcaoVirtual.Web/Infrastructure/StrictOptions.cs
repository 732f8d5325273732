using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Infrastructure;

/// <summary>How every settings section is bound: unknown keys refused (a typo stops start-up), validated at start-up.</summary>
public static class StrictOptions
{
    public static OptionsBuilder<T> AddStrictOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class =>
        services.AddOptions<T>()
            .Bind(configuration.GetSection(section), o => o.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();

    /// <summary>The same, with a validator that names each bad key.</summary>
    public static OptionsBuilder<T> AddStrictOptions<T, TValidator>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class
        where TValidator : class, IValidateOptions<T>
    {
        services.AddSingleton<IValidateOptions<T>, TValidator>();
        return services.AddStrictOptions<T>(configuration, section);
    }
}
