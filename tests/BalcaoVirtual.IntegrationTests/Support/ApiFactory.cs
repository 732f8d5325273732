using System.Net.Http.Headers;
using System.Net.Http.Json;
using BalcaoVirtual.Web.Features.Auth;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BalcaoVirtual.IntegrationTests.Support;

/// <summary>
/// The whole service in memory, on the real redis-server under a key prefix of its own, with a fake clock.
/// </summary>
internal sealed class ApiFactory : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@trt8.jus.br";
    public const string AdminPassword = "senha-do-admin-123";

    private readonly Dictionary<string, string?> settings;
    private readonly bool realTime;

    /// <param name="realTime">The system clock instead of <see cref="Time"/>: for tests where Hangfire runs the jobs.</param>
    public ApiFactory(IDictionary<string, string?>? overrides = null, string? keyPrefix = null, bool realTime = false)
    {
        this.realTime = realTime;
        KeyPrefix = keyPrefix ?? "t" + Guid.NewGuid().ToString("N")[..12];
        settings = new Dictionary<string, string?>
        {
            ["Storage:Mode"] = "Redis",
            ["Storage:Redis"] = TestServers.Redis,
            ["Storage:KeyPrefix"] = KeyPrefix,
            ["Units:Catalog"] = "deploy/units/trt8.sample.json",
            ["Auth:BootstrapAdmin:Email"] = AdminEmail,
            ["Auth:BootstrapAdmin:Password"] = AdminPassword,
            // Background jobs only where a test runs them; e-mail into a folder of the test's own.
            ["Sla:RunJobs"] = "false",
            ["Smtp:PickupDirectory"] = TestServers.TempDir("mail"),
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
    }

    public string KeyPrefix { get; }

    /// <summary>Changes to the service's registrations for one test (a decorator that holds a step back).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>The id this service gives a contact (keyed by its store's secret).</summary>
    public string ContactIdOf(BalcaoVirtual.Web.Features.Conversations.ContactAddress address) =>
        Services.GetRequiredService<BalcaoVirtual.Web.Features.Conversations.ContactIds>().Of(address);

    /// <summary>The hosting environment; Development unless a test needs what Production does differently.</summary>
    public string Environment { get; init; } = "Development";

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    /// <summary>Every log line the service wrote, as its providers saw it.</summary>
    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Development by default: what `dotnet run` uses, and where ASP.NET Core is strictest about throwing on bad requests.
        builder.UseEnvironment(Environment);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(Logs));
        if (TestServices is not null)
        {
            builder.ConfigureTestServices(TestServices);
        }

        if (!realTime)
        {
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
        }
    }

    public async Task<string> TokenAsync(string email, string password)
    {
        using var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { email, password });
        Assert.That(response.IsSuccessStatusCode, Is.True, $"sign-in of {email} failed with {(int)response.StatusCode}");
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!.Token;
    }

    public async Task<HttpClient> ClientAsAsync(string email, string password)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(email, password));
        return client;
    }

    public Task<HttpClient> AdminClientAsync() => ClientAsAsync(AdminEmail, AdminPassword);

    /// <summary>Creates a user through the admin API and returns a client signed in as them.</summary>
    public async Task<HttpClient> ClientForNewUserAsync(string email, string[]? clerkOf = null, string[]? managerOf = null, bool isAdmin = false, string? name = null)
    {
        using var admin = await AdminClientAsync();
        const string password = "senha-forte-do-servidor";
        var created = await admin.PostAsJsonAsync("/api/users", new { email, name = name ?? email, password, clerkOf, managerOf, isAdmin });
        Assert.That((int)created.StatusCode, Is.EqualTo(201), await created.Content.ReadAsStringAsync());
        return await ClientAsAsync(email, password);
    }
}
