using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Api;

public sealed class AuthApiTests
{
    private ApiFactory factory = null!;

    [SetUp]
    public void SetUp() => factory = new ApiFactory();

    [TearDown]
    public async Task TearDown() => await factory.DisposeAsync();

    [Test]
    public async Task Token_GrantsAccess_WithBootstrapAdminCredentials()
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email = ApiFactory.AdminEmail, password = ApiFactory.AdminPassword });
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>();

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.Token);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/auth/me");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(token.ExpiresAt, Is.GreaterThan(factory.Time.GetUtcNow()));
            Assert.That(me.GetProperty("email").GetString(), Is.EqualTo(ApiFactory.AdminEmail));
            Assert.That(me.GetProperty("isAdmin").GetBoolean(), Is.True);
        });
    }

    [Test]
    public async Task Token_Is401_WithWrongPassword()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/api/auth/token", new { email = ApiFactory.AdminEmail, password = "errada-123456" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("E-mail ou senha incorretos"));
    }

    [Test]
    public async Task Token_Is401_ForUnknownEmail_SameAsWrongPassword()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/api/auth/token", new { email = "nobody@trt8.jus.br", password = "whatever-123" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Token_LocksAccount_AfterRepeatedFailures_EvenForTheRightPassword_UntilLockoutEnds()
    {
        using var client = factory.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            await client.PostAsJsonAsync("/api/auth/token", new { email = ApiFactory.AdminEmail, password = "errada-" + i });
        }

        var locked = await client.PostAsJsonAsync("/api/auth/token", new { email = ApiFactory.AdminEmail, password = ApiFactory.AdminPassword });
        factory.Time.Advance(TimeSpan.FromMinutes(16));
        var afterLockout = await client.PostAsJsonAsync("/api/auth/token", new { email = ApiFactory.AdminEmail, password = ApiFactory.AdminPassword });

        Assert.Multiple(async () =>
        {
            Assert.That(locked.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(locked.Headers.RetryAfter?.Delta, Is.Not.Null);
            Assert.That(await locked.Content.ReadAsStringAsync(), Does.Contain("bloqueado"));
            Assert.That(afterLockout.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    /// <summary>A flood of wrong passwords is a few audit records that count it, not one record per guess.</summary>
    [Test]
    public async Task RepeatedFailures_AreAggregatedInTheAuditTrail_TheLockoutAndTheNextSignInCountThem()
    {
        using var client = factory.CreateClient();
        for (var i = 0; i < 30; i++)
        {
            await client.PostAsJsonAsync("/api/auth/token", new { email = ApiFactory.AdminEmail, password = "errada-" + i }); // 5 checked, 25 refused
        }

        factory.Time.Advance(TimeSpan.FromMinutes(16));
        await client.PostAsJsonAsync("/api/auth/token", new { email = ApiFactory.AdminEmail, password = "errada-de-novo" });
        await client.PostAsJsonAsync("/api/auth/token", new { email = ApiFactory.AdminEmail, password = "errada-outra-vez" });
        using var admin = await factory.AdminClientAsync();

        var records = (await admin.GetFromJsonAsync<JsonElement>("/api/audit?action=signin")).GetProperty("records").EnumerateArray()
            .Select(r => (Action: r.GetProperty("action").GetString(), Detail: r.TryGetProperty("detail", out var d) ? d.GetString() : null))
            .Reverse().ToList();
        Assert.That(records, Is.EqualTo(new (string?, string?)[]
        {
            ("signin.failed", null), ("signin.locked", "failed attempts: 5"),
            ("signin.failed", null), ("signin", "failed attempts: 2"),
        }));
    }

    [Test]
    public async Task Token_Is400_WhenFieldsMissingOrBodyMalformed()
    {
        using var client = factory.CreateClient();

        var missing = await client.PostAsJsonAsync("/api/auth/token", new { email = ApiFactory.AdminEmail });
        var malformed = await client.PostAsync("/api/auth/token", new StringContent("{\"email\": ", System.Text.Encoding.UTF8, "application/json"));
        var wrongType = await client.PostAsync("/api/auth/token", new StringContent("email=a", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Multiple(() =>
        {
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(malformed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(wrongType.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        });
    }

    [Test]
    public async Task ProtectedApi_Is401_WithoutTokenOrWithUnknownToken()
    {
        using var client = factory.CreateClient();
        var none = await client.GetAsync("/api/conversations");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-real-token");
        var bogus = await client.GetAsync("/api/conversations");

        Assert.That(none.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(bogus.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(none.Headers.WwwAuthenticate.ToString(), Does.Contain("Bearer"));
    }

    [Test]
    public async Task Logout_EndsTheSession_OfThatTokenOnly()
    {
        using var first = await factory.AdminClientAsync();
        using var second = await factory.AdminClientAsync();

        var logout = await first.PostAsync("/api/auth/logout", null);

        Assert.That(logout.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await first.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await second.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Logout_Everywhere_EndsEverySessionOfThatUser_AndNoOneElses()
    {
        using var first = await factory.AdminClientAsync();
        using var second = await factory.AdminClientAsync();
        using var other = await factory.ClientForNewUserAsync("ana@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);

        var wrong = await first.PostAsync("/api/auth/logout?everywhere=sim", null);
        var logout = await first.PostAsync("/api/auth/logout?everywhere=true", null);

        Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(logout.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await first.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await second.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the same user's other device");
        Assert.That((await other.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Token_StopsWorking_AfterItsLifetime()
    {
        using var client = await factory.AdminClientAsync();
        factory.Time.Advance(TimeSpan.FromHours(11));

        var response = await client.GetAsync("/api/auth/me");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Logout_WithTheSessionCookie_EndsThatSession()
    {
        using var browser = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        using var signIn = await SignInForm.PostAsync(browser, "/entrar", "/entrar", ApiFactory.AdminEmail, ApiFactory.AdminPassword);
        var session = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(SessionCookie.Name + "=", StringComparison.Ordinal)).Split(';')[0];
        var page = await browser.GetStringAsync("/inbox");
        var csrf = System.Text.RegularExpressions.Regex.Match(page, "<meta name=\"csrf\" content=\"([^\"]+)\">").Groups[1].Value;

        using var logout = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout");
        logout.Headers.Add(SessionCookie.AntiforgeryHeader, System.Net.WebUtility.HtmlDecode(csrf));
        var loggedOut = await browser.SendAsync(logout);

        Assert.That(loggedOut.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        using var stolen = factory.CreateClient();
        stolen.DefaultRequestHeaders.Add("Cookie", session);
        Assert.That((await stolen.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the cookie's token is gone, not only the cookie");
    }

    [Test]
    public async Task SignInPage_SetsABrowserSessionCookie_WhoseLifetimeIsKeptOnTheServer()
    {
        // No Expires or Max-Age: a browser compares those with its own clock, which need not agree with the server's.
        using var browser = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        using var signIn = await SignInForm.PostAsync(browser, "/entrar", "/entrar", ApiFactory.AdminEmail, ApiFactory.AdminPassword);
        Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await signIn.Content.ReadAsStringAsync());
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(SessionCookie.Name + "=", StringComparison.Ordinal));
        Assert.That(cookie.ToLowerInvariant(), Does.Not.Contain("expires=").And.Not.Contain("max-age=").And.Contain("httponly").And.Contain("samesite=strict"));

        Assert.That((await browser.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        factory.Time.Advance(TimeSpan.FromHours(10));
        Assert.That((await browser.GetAsync("/api/auth/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "Auth:TokenLifetime ends it");
    }

    [Test]
    public async Task Token_ParallelGuesses_AreCountedAtomically_NoMoreThanTheLimitIsEverChecked()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => TokenFromAsync("198.51.100.7", ApiFactory.AdminEmail, "errada-" + i)));

        Assert.That(answers.Count(a => a == HttpStatusCode.Unauthorized), Is.EqualTo(5), "five passwords checked");
        Assert.That(answers.Count(a => a == HttpStatusCode.TooManyRequests), Is.EqualTo(295));
        Assert.That(await TokenFromAsync("198.51.100.7", ApiFactory.AdminEmail, ApiFactory.AdminPassword), Is.EqualTo(HttpStatusCode.TooManyRequests));
    }

    [Test]
    public async Task Token_FailuresFromElsewhere_NeverLockTheOwnerOut_TheAccountOnlySlowsDown()
    {
        // Someone guesses the admin's password from several addresses, within the limit of each, ten times in all.
        foreach (var address in new[] { "203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4", "203.0.113.5" })
        {
            for (var i = 0; i < 2; i++)
            {
                Assert.That(await TokenFromAsync(address, ApiFactory.AdminEmail.ToUpperInvariant(), "errada-" + i), Is.EqualTo(HttpStatusCode.Unauthorized));
            }
        }

        // The account now takes one attempt per 30 s: the admin, at her own desk, waits that long at most.
        Assert.That(await TokenFromAsync("192.0.2.10", ApiFactory.AdminEmail, ApiFactory.AdminPassword), Is.EqualTo(HttpStatusCode.TooManyRequests));
        factory.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.That(await TokenFromAsync("192.0.2.10", ApiFactory.AdminEmail, ApiFactory.AdminPassword), Is.EqualTo(HttpStatusCode.OK));

        // An address that locks itself out of the account locks only itself.
        for (var i = 0; i < 5; i++)
        {
            await TokenFromAsync("203.0.113.9", ApiFactory.AdminEmail, "errada-" + i);
            factory.Time.Advance(TimeSpan.FromSeconds(31));
        }

        Assert.That(await TokenFromAsync("203.0.113.9", ApiFactory.AdminEmail, ApiFactory.AdminPassword), Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(await TokenFromAsync("192.0.2.10", ApiFactory.AdminEmail, ApiFactory.AdminPassword), Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Token_OneAddressSprayingManyAccounts_IsLockedOut()
    {
        // 20 rather than the default 100 (each failure is a password check): still above the limits of one account
        // (5 from one address, 10 from anywhere), so only the address's own limit can lock it.
        await using var spraying = new ApiFactory(new Dictionary<string, string?> { ["Auth:MaxFailedAttemptsPerAddress"] = "20" });
        var limit = spraying.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuthOptions>>().Value.MaxFailedAttemptsPerAddress;
        for (var i = 0; i < limit; i++)
        {
            await TokenFromAsync(spraying, "198.51.100.20", $"pessoa{i}@trt8.jus.br", "senha-qualquer-1");
        }

        Assert.That(await TokenFromAsync(spraying, "198.51.100.20", ApiFactory.AdminEmail, ApiFactory.AdminPassword), Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(await TokenFromAsync(spraying, "198.51.100.21", ApiFactory.AdminEmail, ApiFactory.AdminPassword), Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task SignInRequests_BeyondTheAddressesRate_Are429WithRetryAfter_BeforeAnyPasswordIsChecked()
    {
        // A fixed window of a minute on the real clock: ten requests in a row meet at most two windows of three.
        await using var limited = new ApiFactory(new Dictionary<string, string?> { ["RateLimits:SignInPerMinute"] = "3" });
        using var client = Client(limited, "198.51.100.30");

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 10; i++)
        {
            answers.Add(await client.PostAsJsonAsync("/api/auth/token", new { email = $"pessoa{i}@trt8.jus.br", password = "senha-qualquer-1" }));
        }

        Assert.That(answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized), Is.InRange(3, 6), "only these reached the password check");
        var refused = answers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.That(refused.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
        Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("Muitas requisições seguidas"));
        using var elsewhere = Client(limited, "198.51.100.31");
        Assert.That((await elsewhere.PostAsJsonAsync("/api/auth/token", new { email = ApiFactory.AdminEmail, password = ApiFactory.AdminPassword })).StatusCode,
            Is.EqualTo(HttpStatusCode.OK), "another address is not held back");

        // The sign-in form and the single sign-on start are limited the same way (four in a row meet a full window).
        var form = new List<HttpStatusCode>();
        var sso = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            form.Add((await client.PostAsync("/entrar", new FormUrlEncodedContent([new("email", "x@trt8.jus.br"), new("password", "y")]))).StatusCode);
            sso.Add((await client.GetAsync("/entrar/sso")).StatusCode);
        }

        Assert.That(form, Does.Contain(HttpStatusCode.TooManyRequests), "the sign-in form");
        Assert.That(sso, Does.Contain(HttpStatusCode.TooManyRequests), "the single sign-on start");
    }

    [Test]
    public async Task PublicSearch_BeyondTheAddressesRate_Is429()
    {
        await using var limited = new ApiFactory(new Dictionary<string, string?> { ["RateLimits:PublicPerMinute"] = "5" });
        using var client = Client(limited, "198.51.100.40");

        var statuses = new List<HttpStatusCode>();
        foreach (var path in Enumerable.Repeat(new[] { "/?q=macapa", "/api/units/resolve?q=marituba", "/fragmento", "/api/units" }, 5).SelectMany(p => p))
        {
            statuses.Add((await client.GetAsync(path)).StatusCode);
        }

        Assert.That(statuses.Count(s => s == HttpStatusCode.TooManyRequests), Is.GreaterThanOrEqualTo(10), string.Join(",", statuses));
    }

    /// <summary>POST /api/auth/token as a client at <paramref name="address"/> (the address the forwarded headers give).</summary>
    private Task<HttpStatusCode> TokenFromAsync(string address, string email, string password) => TokenFromAsync(factory, address, email, password);

    private static async Task<HttpStatusCode> TokenFromAsync(ApiFactory app, string address, string email, string password)
    {
        using var client = Client(app, address);
        return (await client.PostAsJsonAsync("/api/auth/token", new { email, password })).StatusCode;
    }

    private static HttpClient Client(ApiFactory app, string address) =>
        new(app.Server.CreateHandler(c => c.Connection.RemoteIpAddress = IPAddress.Parse(address))) { BaseAddress = app.Server.BaseAddress };
}
