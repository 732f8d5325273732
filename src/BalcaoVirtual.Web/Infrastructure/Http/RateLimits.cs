using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Infrastructure.Http;

public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>
    /// Sign-in requests (form, token, single sign-on start) per client address and minute. A court whose clerks all
    /// leave through one address signs them in at the start of a shift within this.
    /// </summary>
    [Range(1, 100_000)]
    public int SignInPerMinute { get; set; } = 120;

    /// <summary>Requests to the public page, its search, fragment and feeds per client address and minute.</summary>
    [Range(1, 1_000_000)]
    public int PublicPerMinute { get; set; } = 300;
}

/// <summary>
/// Per client address limits on the doors anyone may knock on without signing in: a flood is answered 429 with
/// Retry-After before it reaches the store, the password hasher or the audit trail. The address is the client's as
/// the local proxy gave it (forwarded headers run first).
/// </summary>
internal static class RateLimits
{
    public const string SignIn = "sign-in";
    public const string Public = "public";

    public static IServiceCollection AddRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStrictOptions<RateLimitOptions>(configuration, RateLimitOptions.Section).ValidateDataAnnotations();
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(SignIn, http => PerAddress(http, http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.SignInPerMinute));
            o.AddPolicy(Public, http => PerAddress(http, http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.PublicPerMinute));
            o.OnRejected = async (context, cancellationToken) =>
            {
                var response = context.HttpContext.Response;
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                response.Headers.RetryAfter = Math.Max(1, Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await response.WriteAsJsonAsync(new { type = "about:blank", title = Texts.Get("TooManyRequests"), status = 429 },
                    options: null, contentType: "application/problem+json", cancellationToken).ConfigureAwait(false);
            };
        });
        return services;
    }

    private static RateLimitPartition<string> PerAddress(HttpContext http, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(ClientAddress.Key(http.Connection.RemoteIpAddress), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
}
