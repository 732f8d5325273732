using BalcaoVirtual.Web.Features.CaseAlerts;
using BalcaoVirtual.Web.Features.Appointments;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Channels.Email;
using BalcaoVirtual.Web.Features.Channels.Meta;
using BalcaoVirtual.Web.Features.Channels.Twilio;
using BalcaoVirtual.Web.Features.Channels.WhatsApp;
using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Health;
using BalcaoVirtual.Web.Features.Inbox;
using BalcaoVirtual.Web.Features.Privacy;
using BalcaoVirtual.Web.Features.PublicSite;
using BalcaoVirtual.Web.Features.Sla;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Infrastructure.Logging;
using BalcaoVirtual.Web.Infrastructure.Mail;
using BalcaoVirtual.Web.Infrastructure.Storage;
using BalcaoVirtual.Web.Infrastructure.Telemetry;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web;

/// <summary>Composition of the service: one Add and one Map call per feature.</summary>
public static class ServiceHost
{
    /// <summary>The builder with the service's configuration (files, environment, arguments) and nothing added yet.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args) =>
        WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = DefaultContentRoot(args) });

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = CreateBuilder(args);
        configure?.Invoke(builder);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddApiDefaults(builder.Configuration);
        builder.Services.AddApiDocument();
        builder.Services.AddStorage(builder.Configuration);
        builder.Services.AddContactIds(); // before every other background service: they name contacts by these ids
        builder.Services.AddUnits(builder.Configuration);
        builder.Services.AddCourt(builder.Configuration);
        builder.Services.AddAuth(builder.Configuration);
        builder.Services.AddMail(builder.Configuration);
        builder.Services.AddConversations();
        builder.Services.AddSla(builder.Configuration);
        builder.Services.AddEmailChannel(builder.Configuration);
        builder.Services.AddInbox();
        builder.Services.AddPrivacy(builder.Configuration);
        builder.Services.AddChatbot(builder.Configuration);
        builder.Services.AddWhatsApp(builder.Configuration);
        builder.Services.AddCaseAlerts(builder.Configuration);
        builder.Services.AddAppointments(builder.Configuration);
        builder.Services.AddTwilio(builder.Configuration);
        builder.Services.AddMeta(builder.Configuration);
        builder.Services.AddPublic(builder.Configuration);
        builder.Services.AddHealth();
        builder.Services.AddTelemetry(builder.Configuration);
        builder.Services.AddLogRedaction();

        var app = builder.Build();
        app.UseApiDefaults();
        app.UseAuthentication();
        app.UseAuthorization();
        app.RequireAntiforgeryForCookieSessions();
        app.MapHealth();
        app.MapPublic();
        app.MapUnits();
        app.MapCourt();
        app.MapAuth();
        app.MapConversations();
        app.MapSla();
        app.MapAppointmentsFeature();
        app.MapInbox();
        app.MapTwilio();
        app.MapMeta();
        app.MapEmail();
        app.MapPrivacy();
        app.MapTelemetry();
        app.MapApiDocument();
        return app;
    }

    /// <summary>
    /// Where appsettings.json and relative data paths are read from, when nothing says: the working directory if it
    /// holds appsettings.json (`dotnet run`, a folder set up by hand), else the service's own folder, so that a
    /// published service started from elsewhere (systemd's WorkingDirectory, a container's WORKDIR) reads its own
    /// settings and finds deploy/ beside it. Null (the framework's default) when --contentRoot or an environment
    /// variable names it.
    /// </summary>
    internal static string? DefaultContentRoot(string[] args)
    {
        var named = args.Any(a => a.TrimStart('-', '/').StartsWith("contentRoot", StringComparison.OrdinalIgnoreCase))
            || Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT") is not null
            || Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT") is not null;
        return named || File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json")) ? null : AppContext.BaseDirectory;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            if (AdminCommand.Handles(args))
            {
                return await AdminCommand.RunAsync(args, Console.In, Console.Out, Console.Error).ConfigureAwait(false);
            }

            var app = Build(args);
            // Start-up leaves garbage (configuration, the store's command tables, catalogues): collected once and handed
            // back to the system, an idle node's resident memory is what it holds (docs/benchmarks.md, goal 4).
            app.Lifetime.ApplicationStarted.Register(static () => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true));
            await app.RunAsync().ConfigureAwait(false);
            return Environment.ExitCode; // 0, unless the service stopped itself to be started again
        }
        catch (Exception ex) when (StartupError.Describe(ex) is { } message)
        {
            // A configuration mistake: say which setting, without a stack trace to dig through.
            await Console.Error.WriteLineAsync($"Balcão Virtual cannot start: {message}").ConfigureAwait(false);
            return 2;
        }
    }
}

internal static class StartupError
{
    public static string? Describe(Exception ex) => ex switch
    {
        UnitCatalogException e => e.Message,
        CalendarFileException e => e.Message,
        ContactIdKeyMissingException e => e.Message,
        OptionsValidationException e => string.Join(Environment.NewLine, e.Failures),
        // Configuration binding: a value of the wrong type, or a key that no option has (a typo).
        InvalidOperationException e when e.Message.Contains("Failed to convert configuration value", StringComparison.Ordinal)
            || e.Message.Contains("were not found on the instance", StringComparison.Ordinal) => e.Message,
        InvalidOperationException e when e.Message.StartsWith("The embedded store", StringComparison.Ordinal) => e.Message,
        // Kestrel's own message names the address ("Failed to bind to address http://127.0.0.1:5080: address already in use.").
        IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException } e =>
            $"{e.Message} Another program (another Balcão Virtual?) is listening there: stop it, or give this one another "
            + "address with --urls http://localhost:5081 or the setting Urls (environment variable Urls).",
        AggregateException { InnerExceptions.Count: 1 } e => Describe(e.InnerExceptions[0]),
        _ => null,
    };
}
