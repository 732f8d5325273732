using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BalcaoVirtual.IntegrationTests.Support;

/// <summary>The person the fake provider signs in (as if they had typed their password there).</summary>
internal sealed record OidcUser(string Email, string Name, IReadOnlyList<string> Roles, bool EmailVerified = true);

/// <summary>
/// A court's OpenID Connect provider (what Keycloak does) on a loopback port: discovery, JWKS, the authorization
/// endpoint (which signs in <see cref="User"/> at once and sends the browser back with a code), and the token endpoint
/// (which checks the client secret and PKCE and answers with an RS256-signed ID token carrying the nonce and roles).
/// </summary>
internal sealed class FakeOidc : IAsyncDisposable
{
    public const string ClientId = "balcao-virtual";
    public const string ClientSecret = "segredo-do-cliente-de-teste";

    private readonly WebApplication app;
    private readonly RSA key = RSA.Create(2048);
    private readonly RSA otherKey = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, (string Nonce, string Challenge, string RedirectUri, OidcUser User)> codes = new();

    private FakeOidc(WebApplication app) => this.app = app;

    public string Issuer { get; private set; } = "";

    public OidcUser? User { get; set; }

    /// <summary>Sign ID tokens with a key the JWKS does not publish (a forged token).</summary>
    public bool SignWithUnpublishedKey { get; set; }

    public ConcurrentQueue<string> TokenRequests { get; } = new();

    public static async Task<FakeOidc> StartAsync()
    {
        var fake = new FakeOidc(LoopbackApp.Create());
        fake.app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = fake.Issuer,
            ["authorization_endpoint"] = fake.Issuer + "/authorize",
            ["token_endpoint"] = fake.Issuer + "/token",
            ["jwks_uri"] = fake.Issuer + "/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["response_modes_supported"] = new[] { "query", "form_post" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "client_secret_basic" },
        }));
        fake.app.MapGet("/jwks", () =>
        {
            var p = fake.key.ExportParameters(false);
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = "k1", n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) } } });
        });
        fake.app.MapGet("/authorize", fake.Authorize);
        fake.app.MapPost("/token", fake.TokenAsync);
        var url = await LoopbackApp.StartAsync(fake.app);
        fake.Issuer = url.ToString().TrimEnd('/');
        return fake;
    }

    public Dictionary<string, string?> Settings() => new()
    {
        ["Auth:Oidc:Authority"] = Issuer,
        ["Auth:Oidc:ClientId"] = ClientId,
        ["Auth:Oidc:ClientSecret"] = ClientSecret,
        ["Auth:Oidc:RequireHttpsMetadata"] = "false",
    };

    private IResult Authorize(HttpRequest request)
    {
        var q = request.Query;
        if (q["client_id"] != ClientId || q["response_type"] != "code" || q["code_challenge_method"] != "S256" || User is null)
        {
            return Results.BadRequest("invalid_request");
        }

        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        codes[code] = (q["nonce"].ToString(), q["code_challenge"].ToString(), q["redirect_uri"].ToString(), User);
        var separator = q["redirect_uri"].ToString().Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return Results.Redirect($"{q["redirect_uri"]}{separator}code={code}&state={Uri.EscapeDataString(q["state"].ToString())}");
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        TokenRequests.Enqueue(form["grant_type"].ToString());
        var secret = form["client_secret"].ToString();
        if (request.Headers.Authorization.ToString() is { Length: > 6 } basic && basic.StartsWith("Basic ", StringComparison.Ordinal))
        {
            secret = Encoding.UTF8.GetString(Convert.FromBase64String(basic[6..])).Split(':', 2)[1];
        }

        if (secret != ClientSecret || !codes.TryRemove(form["code"].ToString(), out var grant) || form["redirect_uri"] != grant.RedirectUri)
        {
            return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
        }

        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString())));
        if (challenge != grant.Challenge)
        {
            return Results.Json(new { error = "invalid_grant", error_description = "PKCE" }, statusCode: 400);
        }

        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = "kc-" + grant.User.Email,
            ["nonce"] = grant.Nonce,
            ["email"] = grant.User.Email,
            ["email_verified"] = grant.User.EmailVerified,
            ["name"] = grant.User.Name,
            ["roles"] = grant.User.Roles.ToArray(),
        };
        var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = ClientId,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(SignWithUnpublishedKey ? otherKey : key) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256),
        });
        return Results.Json(new { access_token = "opaque-" + Guid.NewGuid().ToString("N"), token_type = "Bearer", expires_in = 300, id_token = idToken });
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        key.Dispose();
        otherKey.Dispose();
    }
}
