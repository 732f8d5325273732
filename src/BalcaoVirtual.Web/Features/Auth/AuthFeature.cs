using BalcaoVirtual.Web.Infrastructure;
using BalcaoVirtual.Web.Infrastructure.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace BalcaoVirtual.Web.Features.Auth;

public static class AuthFeature
{
    public const string AdminPolicy = "admin";

    public static IServiceCollection AddAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStrictOptions<AuthOptions>(configuration, AuthOptions.Section)
            .ValidateDataAnnotations()
            .Validate(
                o => string.IsNullOrWhiteSpace(o.BootstrapAdmin.Email) || System.Net.Mail.MailAddress.TryCreate(o.BootstrapAdmin.Email, out _),
                "Auth:BootstrapAdmin:Email is not an e-mail address.")
            .Validate(
                o => string.IsNullOrEmpty(o.BootstrapAdmin.Password) || o.BootstrapAdmin.Password.Length >= o.MinPasswordLength,
                "Auth:BootstrapAdmin:Password is shorter than Auth:MinPasswordLength.")
            .Validate(
                o => !o.Oidc.Enabled || (Uri.TryCreate(o.Oidc.Authority, UriKind.Absolute, out var authority)
                    && (authority.Scheme == Uri.UriSchemeHttps || (authority.Scheme == Uri.UriSchemeHttp && !o.Oidc.RequireHttpsMetadata))),
                "Auth:Oidc:Authority must be the provider's https:// issuer URL (http:// only with Auth:Oidc:RequireHttpsMetadata=false).")
            .Validate(
                o => !o.Oidc.Enabled || !string.IsNullOrWhiteSpace(o.Oidc.ClientId),
                "Auth:Oidc:ClientId is required when Auth:Oidc:Authority is set.")
            .ValidateOnStart();
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<SignInService>();
        services.AddHostedService<BootstrapAdmin>();

        services.AddAntiforgery(o =>
        {
            o.HeaderName = SessionCookie.AntiforgeryHeader;
            o.Cookie.Name = "bv_af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
        });
        var authentication = services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        OidcSignIn.Add(authentication, configuration.GetSection(AuthOptions.Section).GetSection("Oidc").Get<OidcOptions>() ?? new());
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, p => p.RequireRole(UserClaims.AdminRole));
        return services;
    }

    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/token", AuthEndpoints.IssueTokenAsync).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn);
        app.MapGet(OidcSignIn.StartPath, OidcSignIn.Start).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn);
        app.MapGet("/api/auth/me", AuthEndpoints.MeAsync).RequireAuthorization();
        app.MapPost("/api/auth/password", AuthEndpoints.ChangePasswordAsync).RequireAuthorization().RequireRateLimiting(RateLimits.SignIn);
        app.MapPost("/api/auth/logout", AuthEndpoints.LogoutAsync).RequireAuthorization();
        var users = app.MapGroup("/api/users").RequireAuthorization(AdminPolicy);
        users.MapGet("/", UserEndpoints.ListAsync);
        users.MapGet("/{id}", UserEndpoints.GetAsync);
        users.MapPost("/", UserEndpoints.CreateAsync);
        users.MapPatch("/{id}", UserEndpoints.UpdateAsync);
        return app;
    }
}
