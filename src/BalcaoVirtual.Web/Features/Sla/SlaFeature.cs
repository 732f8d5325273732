using System.Globalization;
using System.Security.Claims;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Inbox;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Infrastructure.Jobs;
using BalcaoVirtual.Web.Infrastructure.Storage;
using BalcaoVirtual.Web.Resources;
using Hangfire;
using Hangfire.Dashboard;
using Hangfire.Redis.StackExchange;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Sla;

/// <summary>A conversation's waiting periods (due time, outcome) and its SLA events.</summary>
public sealed record ConversationSla(IReadOnlyList<WaitingPeriod> Periods, IReadOnlyList<SlaEvent> Events);

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
        services.AddSingleton<WaitLookup>();
        services.AddSingleton<IWaitLookup>(sp => sp.GetRequiredService<WaitLookup>());
        services.AddSingleton<SlaReportFacts>();
        services.AddSingleton<SlaPeriods>();
        services.AddSingleton<IConversationObserver>(sp => sp.GetRequiredService<SlaPeriods>());
        services.AddSingleton<SlaAlerts>();
        services.AddTransient<SlaJobs>();

        // Hangfire keeps its jobs in the same store, under a prefix of its own with one hash tag. The storage and the job
        // activator are this host's own services: left to AddHangfire they are read from Hangfire's process-wide statics,
        // which the last host to start sets, so a second host in the process (the tests' nodes) could take the first one's
        // jobs and run them in a container already disposed.
        services.AddSingleton<JobStorage>(sp => new RedisStorage(
            sp.GetRequiredService<RedisConnections>().TransactionsPrimary,
            new RedisStorageOptions
            {
                Prefix = sp.GetRequiredService<RedisKeys>().HangfirePrefix,
                InvisibilityTimeout = sp.GetRequiredService<IOptions<SlaOptions>>().Value.JobInvisibilityTimeout,
            }));
        services.AddSingleton<JobActivator>(sp => new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseStorage(sp.GetRequiredService<JobStorage>()));
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
            services.AddHostedService<SlaDueLoop>();
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
        // Pages: without a session they send the browser to sign in; refusals are pages in Portuguese, not problem JSON.
        app.MapGet(AppShell.ReportsPath, ReportPickerAsync).AllowAnonymous();
        app.MapGet(AppShell.ReportsPath + "/{unit}/{month}", ReportPageAsync).AllowAnonymous();
        app.MapHangfireDashboard(DashboardPath, new DashboardOptions
        {
            Authorization = [new AdminDashboardFilter()],
            DisplayStorageConnectionString = false,
            DashboardTitle = "Balcão Virtual: jobs",
            AppPath = "/",
        }).RequireAuthorization(AuthFeature.AdminPolicy);
        return app;
    }

    private static async Task<Results<Ok<ConversationSla>, Refusal>> ConversationSlaAsync(string id, ClaimsPrincipal user, ConversationStore conversations, SlaStore store)
    {
        var (_, refusal) = await ConversationsFeature.GuardAsync(id, user, conversations).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        return TypedResults.Ok(new ConversationSla(await store.GetAllAsync(id).ConfigureAwait(false), await store.EventsAsync(id).ConfigureAwait(false)));
    }

    private static async Task<Results<Ok<IReadOnlyList<InboxAlert>>, Refusal>> UnitAlertsAsync(string id, ClaimsPrincipal user, UnitCatalog catalog, SlaAlerts alerts) =>
        UnitAccess.Refusal(user, catalog, id) is { } refusal ? refusal : TypedResults.Ok(await alerts.InboxAlertsAsync(id, 100).ConfigureAwait(false));

    /// <summary>GET /api/reports/sla?unit=&amp;from=yyyy-MM-dd&amp;to=yyyy-MM-dd[&amp;format=csv]; days in the unit's time zone, both inclusive.</summary>
    private static async Task<Results<Ok<SlaReport>, CsvResult, ValidationProblem, Refusal>> ReportAsync(
        ClaimsPrincipal user, UnitCatalog catalog, SlaStore store, SlaReportFacts facts, TimeProvider time,
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

        var report = await BuildAsync(found, first, last, store, facts, time, user, catalog).ConfigureAwait(false);
        return format == "csv"
            ? new CsvResult(report.ToCsv(found))
            : TypedResults.Ok(report);
    }

    /// <summary>
    /// GET /reports/sla?unit=&amp;month=yyyy-MM, the picker's form: to that report's address. Without a unit, the first
    /// unit the person sees; without a month, the current one.
    /// </summary>
    private static IResult ReportPickerAsync(HttpContext http, IAntiforgery antiforgery, UnitCatalog catalog, TimeProvider time, string? unit = null, string? month = null)
    {
        if (http.User.Identity?.IsAuthenticated != true)
        {
            return AppShell.ToSignIn(http);
        }

        var visible = VisibleUnits(http.User, catalog);
        if (string.IsNullOrEmpty(unit) && !string.IsNullOrEmpty(month))
        {
            return ReportError(http, antiforgery, catalog, time, StatusCodes.Status400BadRequest, Texts.Get("ReportPageUnitRequired"), null, null);
        }

        if (string.IsNullOrEmpty(unit))
        {
            if (visible.Count == 0)
            {
                return ReportError(http, antiforgery, catalog, time, StatusCodes.Status403Forbidden, Texts.Get("ReportPageNoUnits"), null, null);
            }

            unit = visible[0].Id;
        }

        if (ReportRefusal(http, antiforgery, catalog, time, unit, month, out var found, out var first) is { } refusal)
        {
            return refusal;
        }

        return Results.Redirect($"{AppShell.ReportsPath}/{Uri.EscapeDataString(found!.Id)}/{first:yyyy-MM}");
    }

    private static async Task<IResult> ReportPageAsync(
        string unit, string month, HttpContext http, IAntiforgery antiforgery, UnitCatalog catalog, SlaStore store, SlaReportFacts facts, TimeProvider time)
    {
        if (http.User.Identity?.IsAuthenticated != true)
        {
            return AppShell.ToSignIn(http);
        }

        if (ReportRefusal(http, antiforgery, catalog, time, unit, month, out var found, out var first) is { } refusal)
        {
            return refusal;
        }

        var last = first.AddMonths(1).AddDays(-1);
        var latest = CurrentMonth(found!, catalog, time);
        var report = await BuildAsync(found!, first, last, store, facts, time, http.User, catalog).ConfigureAwait(false);
        var id = Uri.EscapeDataString(found!.Id);
        var html = SlaReportPage.Render(
            report, found, VisibleUnits(http.User, catalog), latest,
            $"/api/reports/sla?unit={id}&from={first:yyyy-MM-dd}&to={last:yyyy-MM-dd}&format=csv",
            first > QueryDates.Earliest ? $"{AppShell.ReportsPath}/{id}/{first.AddMonths(-1):yyyy-MM}" : $"{AppShell.ReportsPath}/{id}/{first:yyyy-MM}",
            first < latest ? $"{AppShell.ReportsPath}/{id}/{first.AddMonths(1):yyyy-MM}" : null);
        return AppShell.ServerPage(http, antiforgery, SlaReportPage.Title(found, first), html);
    }

    /// <summary>
    /// The error page when a report cannot be shown (the unit unknown or not this person's, the month malformed or not
    /// begun), naming the field; null when it can, with the unit and the month's first day.
    /// </summary>
    private static IResult? ReportRefusal(
        HttpContext http, IAntiforgery antiforgery, UnitCatalog catalog, TimeProvider time, string unit, string? month, out Unit? found, out DateOnly first)
    {
        first = default;
        found = catalog.Find(unit);
        if (found is null)
        {
            return ReportError(http, antiforgery, catalog, time, StatusCodes.Status404NotFound, Texts.Format("ReportPageUnitNotFound", unit), null, null);
        }

        if (!http.User.CanAccessUnit(found.Id))
        {
            return ReportError(http, antiforgery, catalog, time, StatusCodes.Status403Forbidden, Texts.Format("ReportPageUnitForbidden", found.Name), null, null);
        }

        var latest = CurrentMonth(found, catalog, time);
        if (string.IsNullOrEmpty(month))
        {
            first = latest;
        }
        else if (!QueryDates.TryParseMonth(month, out first))
        {
            return ReportError(http, antiforgery, catalog, time, StatusCodes.Status400BadRequest, Texts.Format("ReportPageMonthInvalid", month), found.Id, null);
        }
        else if (first > latest)
        {
            return ReportError(http, antiforgery, catalog, time, StatusCodes.Status400BadRequest,
                Texts.Format("ReportPageMonthFuture", month, latest.ToString("MM/yyyy", CultureInfo.InvariantCulture)), found.Id, latest);
        }

        return null;
    }

    private static IResult ReportError(
        HttpContext http, IAntiforgery antiforgery, UnitCatalog catalog, TimeProvider time, int status, string message, string? unitId, DateOnly? month)
    {
        var visible = VisibleUnits(http.User, catalog);
        var latest = CurrentMonth(unitId is not null ? catalog.Find(unitId)! : visible is [var first, ..] ? first : null, catalog, time);
        return AppShell.ServerPage(http, antiforgery, Texts.Get("ReportErrorHeading"),
            SlaReportPage.RenderError(message, visible, unitId, month, latest), status);
    }

    /// <summary>The units whose reports this person may read, in the catalogue's order: every unit for an admin.</summary>
    private static IReadOnlyList<Unit> VisibleUnits(ClaimsPrincipal user, UnitCatalog catalog) =>
        [.. catalog.Units.Where(u => user.CanAccessUnit(u.Id))];

    /// <summary>The first day of the current month in the unit's time zone (the court's civil time without a unit).</summary>
    private static DateOnly CurrentMonth(Unit? unit, UnitCatalog catalog, TimeProvider time)
    {
        var today = unit is null
            ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(catalog.CourtTimeZone)).DateTime)
            : SlaReport.LocalDate(time.GetUtcNow(), unit);
        return new DateOnly(today.Year, today.Month, 1);
    }

    internal static async Task<SlaReport> BuildAsync(
        Unit unit, DateOnly first, DateOnly last, SlaStore store, SlaReportFacts facts, TimeProvider time, ClaimsPrincipal user, UnitCatalog catalog)
    {
        DateTimeOffset Start(DateOnly day)
        {
            var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
            return new DateTimeOffset(local, unit.TimeZone.GetUtcOffset(local));
        }

        var (from, to) = (Start(first), Start(last.AddDays(1)));
        var ids = await store.UnitPeriodIdsAsync(unit.Id, from, to).ConfigureAwait(false);
        // A transferred conversation's period stays in the report of the unit that had it.
        var kept = (await store.GetManyAsync(ids).ConfigureAwait(false)).Where(p => p.UnitId == unit.Id).ToList();
        var report = SlaReport.Build(unit, first, last, kept, time.GetUtcNow(), await facts.ForAsync(unit, kept, from, to).ConfigureAwait(false));
        // The citizens' comments are for the unit's managers (and administrators); the figures are for everyone with the unit.
        return UnitAccess.Refusal(user, catalog, unit.Id, manage: true) is null
            ? report
            : report with { Satisfaction = report.Satisfaction with { Comments = [], CommentsHidden = report.Satisfaction.Comments.Count > 0 } };
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

    /// <summary>The report as CSV (<c>format=csv</c>): the same 200, in the type the OpenAPI document states.</summary>
    internal sealed class CsvResult(string csv) : IResult, IEndpointMetadataProvider
    {
        public Task ExecuteAsync(HttpContext httpContext) => Results.Text(csv, "text/csv; charset=utf-8").ExecuteAsync(httpContext);

        public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder) =>
            builder.Metadata.Add(new ApiDocument.TextAnswer(StatusCodes.Status200OK, "text/csv"));
    }
}

