using System.Globalization;
using System.Security.Claims;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Infrastructure.Jobs;
using BalcaoVirtual.Web.Infrastructure.Storage;
using BalcaoVirtual.Web.Resources;
using Hangfire;
using Hangfire.Dashboard;
using Hangfire.Redis.StackExchange;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Sla;

/// <summary>Deadlines per unit, checks and alerts on Hangfire, and reports (see docs/sla.md).</summary>
public static class SlaFeature
{
    public const string SweepJobId = "sla-sweep";

    public const string DashboardPath = "/hangfire";
    public const int MaxReportDays = 366;

    public static IServiceCollection AddSla(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStrictOptions<SlaOptions, SlaOptionsValidator>(configuration, SlaOptions.Section);
        services.AddSingleton<SlaClock>();
        services.AddSingleton<SlaStore>();
        services.AddSingleton<SlaPeriods>();
        services.AddSingleton<IConversationObserver>(sp => sp.GetRequiredService<SlaPeriods>());
        services.AddSingleton<SlaAlerts>();
        services.AddTransient<SlaJobs>();

        // Hangfire keeps its jobs in the same store, under a prefix of its own with one hash tag.
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseStorage(new RedisStorage(
                sp.GetRequiredService<RedisConnections>().Primary,
                new RedisStorageOptions
                {
                    Prefix = sp.GetRequiredService<RedisKeys>().HangfirePrefix,
                    InvisibilityTimeout = sp.GetRequiredService<IOptions<SlaOptions>>().Value.JobInvisibilityTimeout,
                })));
        if (RunsJobs(configuration))
        {
            services.AddHangfireServer((sp, server) =>
            {
                var o = sp.GetRequiredService<IOptions<SlaOptions>>().Value;
                server.WorkerCount = o.Workers;
                server.SchedulePollingInterval = o.SchedulePollingInterval;
                server.Queues = [SlaJobs.Queue, "default"];
                server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";
            });
            services.AddRecurringJob(SweepJobId, sp => recurring =>
                recurring.AddOrUpdate<SlaJobs>(SweepJobId, SlaJobs.Queue, j => j.SweepAsync(), sp.GetRequiredService<IOptions<SlaOptions>>().Value.SweepCron));
        }

        return services;
    }

    /// <summary>Whether this node runs Hangfire jobs (Sla:RunJobs, on by default): read before the options are bound.</summary>
    internal static bool RunsJobs(IConfiguration configuration) =>
        configuration.GetValue(SlaOptions.Section + ":" + nameof(SlaOptions.RunJobs), true);

    public static IEndpointRouteBuilder MapSla(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/conversations/{id}/sla", ConversationSlaAsync).RequireAuthorization();
        app.MapGet("/api/units/{id}/alerts", UnitAlertsAsync).RequireAuthorization();
        app.MapGet("/api/reports/sla", ReportAsync).RequireAuthorization();
        app.MapGet("/reports/sla/{unit}/{month}", ReportPageAsync).RequireAuthorization();
        app.MapHangfireDashboard(DashboardPath, new DashboardOptions
        {
            Authorization = [new AdminDashboardFilter()],
            DisplayStorageConnectionString = false,
            DashboardTitle = "Balcão Virtual: jobs",
            AppPath = "/",
        }).RequireAuthorization(AuthFeature.AdminPolicy);
        return app;
    }

    private static async Task<IResult> ConversationSlaAsync(string id, ClaimsPrincipal user, ConversationStore conversations, SlaStore store)
    {
        var (_, refusal) = await ConversationsFeature.GuardAsync(id, user, conversations).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        return Results.Ok(new
        {
            periods = await store.GetAllAsync(id).ConfigureAwait(false),
            events = await store.EventsAsync(id).ConfigureAwait(false),
        });
    }

    private static async Task<IResult> UnitAlertsAsync(string id, ClaimsPrincipal user, UnitCatalog catalog, SlaAlerts alerts)
    {
        return UnitAccess.Refusal(user, catalog, id) ?? Results.Ok(await alerts.InboxAlertsAsync(id, 100).ConfigureAwait(false));
    }

    /// <summary>GET /api/reports/sla?unit=&amp;from=yyyy-MM-dd&amp;to=yyyy-MM-dd[&amp;format=csv]; days in the unit's time zone, both inclusive.</summary>
    private static async Task<IResult> ReportAsync(
        ClaimsPrincipal user, UnitCatalog catalog, SlaStore store, TimeProvider time,
        string? unit = null, string? from = null, string? to = null, string? format = null)
    {
        var errors = new List<(string, string)>();
        if (string.IsNullOrEmpty(unit))
        {
            errors.Add(("unit", Texts.Get("ReportUnitRequired")));
        }

        var fromDate = ParseDate(from, "from", errors);
        var toDate = ParseDate(to, "to", errors);
        if (format is not (null or "" or "json" or "csv"))
        {
            errors.Add(("format", Texts.Get("ReportFormatInvalid")));
        }

        if (errors.Count > 0)
        {
            return Problems.Validation([.. errors]);
        }

        if (UnitAccess.Refusal(user, catalog, unit!) is { } refusal)
        {
            return refusal;
        }

        var found = catalog.Find(unit!)!;

        var today = SlaReport.LocalDate(time.GetUtcNow(), found);
        var first = fromDate ?? new DateOnly(today.Year, today.Month, 1);
        var last = toDate ?? first.AddMonths(1).AddDays(-1);
        if (last < first || last.DayNumber - first.DayNumber >= MaxReportDays)
        {
            return Problems.Validation(("to", Texts.Format("ReportRangeInvalid", MaxReportDays)));
        }

        var report = await BuildAsync(found, first, last, store, time).ConfigureAwait(false);
        return format == "csv"
            ? Results.Text(report.ToCsv(found), "text/csv; charset=utf-8")
            : Results.Ok(report);
    }

    private static async Task<IResult> ReportPageAsync(
        string unit, string month, HttpContext http, ClaimsPrincipal user, UnitCatalog catalog, SlaStore store, TimeProvider time)
    {
        if (UnitAccess.Refusal(user, catalog, unit) is { } refusal)
        {
            return refusal;
        }

        var found = catalog.Find(unit)!;

        if (!QueryDates.TryParseMonth(month, out var first))
        {
            return Problems.Validation(("month", Texts.Get("ReportMonthInvalid")));
        }

        var last = first.AddMonths(1).AddDays(-1);
        var report = await BuildAsync(found, first, last, store, time).ConfigureAwait(false);
        var id = Uri.EscapeDataString(found.Id);
        var html = SlaReportPage.Render(
            report, found,
            $"/api/reports/sla?unit={id}&from={first:yyyy-MM-dd}&to={last:yyyy-MM-dd}&format=csv",
            $"/reports/sla/{id}/{first.AddMonths(-1):yyyy-MM}",
            $"/reports/sla/{id}/{first.AddMonths(1):yyyy-MM}");
        http.Response.Headers.ContentSecurityPolicy = SlaReportPage.ContentSecurityPolicy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Content(html, "text/html; charset=utf-8");
    }

    internal static async Task<SlaReport> BuildAsync(Unit unit, DateOnly first, DateOnly last, SlaStore store, TimeProvider time)
    {
        DateTimeOffset Start(DateOnly day)
        {
            var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
            return new DateTimeOffset(local, unit.TimeZone.GetUtcOffset(local));
        }

        var ids = await store.UnitPeriodIdsAsync(unit.Id, Start(first), Start(last.AddDays(1))).ConfigureAwait(false);
        var periods = await Task.WhenAll(ids.Select(id => id.Split('|')).Where(p => p.Length == 2)
            .Select(p => store.GetAsync(p[0], int.Parse(p[1], CultureInfo.InvariantCulture)))).ConfigureAwait(false);
        // A transferred conversation's period stays in the report of the unit that had it.
        return SlaReport.Build(unit, first, last, [.. periods.Where(p => p is not null && p.Period.UnitId == unit.Id).Select(p => p!.Period)], time.GetUtcNow());
    }

    private static DateOnly? ParseDate(string? text, string field, List<(string, string)> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (QueryDates.TryParseDay(text, out var date))
        {
            return date;
        }

        errors.Add((field, Texts.Get("ReportDateInvalid")));
        return null;
    }

    /// <summary>The dashboard's own check, behind the endpoint's admin policy: only administrators.</summary>
    private sealed class AdminDashboardFilter : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsAdmin();
    }
}

