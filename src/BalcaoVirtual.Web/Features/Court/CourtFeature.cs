using System.ComponentModel.DataAnnotations;
using System.Globalization;
using BalcaoVirtual.Web.Features.Court.DataJud;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Court;

public sealed class CalendarOptions
{
    public const string Section = "Calendar";

    /// <summary>Folder with regional.json and the courts' *.closures.json; relative paths are looked up from the content root upwards.</summary>
    [Required]
    public string Directory { get; set; } = "deploy/calendars";
}

/// <summary>A typed case number, checked: its canonical form, court, origin and the unit that owns it here.</summary>
public sealed record CaseNumberInfo(
    bool Valid, string Number, string Digits, string Court, string CourtName, bool ServedHere, int Segment, string CourtCode, string Year,
    string Origin, string? UnitId);

/// <summary>DataJud's summary of a case (<see cref="Result"/> is "found").</summary>
public sealed record CaseStatusFound(string Result, CaseSummary Summary);

/// <summary>DataJud does not know the case (<see cref="Result"/> is "notFound").</summary>
public sealed record CaseStatusNotFound(string Result, string Number, string Court, string Detail);

/// <summary>DataJud is not answering (<see cref="Result"/> is "unavailable").</summary>
public sealed record CaseStatusUnavailable(string Result, string Detail);

/// <summary>Whether a unit's desk is open at an instant, in the unit's time.</summary>
public sealed record UnitAvailability(string UnitId, DateTimeOffset At, bool Open, string? Reason, DateTimeOffset? OpensAt, DateTimeOffset? ClosesAt);

/// <summary>What a text resolved to: "unit", "ambiguous" (several candidates) or "none".</summary>
public sealed record UnitResolution(string Match, IEnumerable<UnitBrief> Units);

public sealed record UnitBrief(string Id, string Name, string City, string State);

/// <summary>Court knowledge: case numbers, unit resolution, the forensic calendar and hours, DataJud.</summary>
public static class CourtFeature
{
    public static IServiceCollection AddCourt(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStrictOptions<CalendarOptions>(configuration, CalendarOptions.Section)
            .ValidateDataAnnotations();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<CalendarOptions>>().Value;
            var root = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
            return CalendarFiles.Load(UnitsFeature.ResolveDataPath(options.Directory, root));
        });
        services.AddSingleton<UnitHours>();
        services.AddStrictOptions<DataJudOptions, DataJudOptionsValidator>(configuration, DataJudOptions.Section);
        // The client applies its own (short) timeout per query.
        services.AddHttpClient(DataJudClient.HttpClientName)
            .AddOutboundResilience(sp => sp.GetRequiredService<IOptions<DataJudOptions>>().Value.Timeout);
        services.AddSingleton<DataJudClient>();
        services.AddSingleton<ICaseStatusLookup>(sp => sp.GetRequiredService<DataJudClient>());
        services.AddSingleton<UnitResolver>();
        services.AddHostedService<CourtStartup>();
        return services;
    }

    public static IEndpointRouteBuilder MapCourt(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/processes/{number}", (string number, UnitCatalog catalog, UnitResolver resolver) => DescribeNumber(number, catalog, resolver))
            .AllowAnonymous().RequireRateLimiting(RateLimits.Public);
        app.MapGet("/api/processes/{number}/status", StatusAsync).RequireAuthorization();
        app.MapGet("/api/units/{id}/availability", Results<Ok<UnitAvailability>, ValidationProblem, NotFoundProblem> (string id, string? at, UnitCatalog catalog, UnitHours hours, TimeProvider time) =>
        {
            if (catalog.Find(id) is not { } unit)
            {
                return new NotFoundProblem(Texts.UnitNotFoundTitle, Texts.Format(nameof(Texts.UnitNotFound), id));
            }

            DateTimeOffset instant;
            if (at is null)
            {
                instant = time.GetUtcNow();
            }
            else if (!DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.None, out instant) || !HasOffset(at) || !QueryDates.IsPlausible(instant))
            {
                return Problems.Validation(("at", Texts.Get("AvailabilityAtInvalid")));
            }

            var availability = hours.At(unit, instant);
            return TypedResults.Ok(new UnitAvailability(
                unit.Id, TimeZoneInfo.ConvertTime(instant, unit.TimeZone), availability.Open, availability.Reason, availability.OpensAt, availability.ClosesAt));
        }).AllowAnonymous();
        app.MapGet("/api/units/resolve", (string? q, UnitResolver resolver) =>
        {
            var match = resolver.Resolve(q);
            return TypedResults.Ok(new UnitResolution(match.Kind.ToString().ToLowerInvariant(), match.Units.Select(u => new UnitBrief(u.Id, u.Name, u.City, u.State))));
        }).AllowAnonymous().RequireRateLimiting(RateLimits.Public);
        return app;
    }

    internal static async Task<Results<Ok<CaseStatusFound>, NotFound<CaseStatusNotFound>, UnavailableResult, BadRequestProblem>> StatusAsync(
        string number, UnitCatalog catalog, UnitResolver resolver, DataJudClient datajud, CancellationToken cancellationToken)
    {
        if (DescribeNumber(number, catalog, resolver).Result is BadRequestProblem invalid)
        {
            return invalid;
        }

        _ = CnjNumber.TryParse(number, out var parsed);
        return await datajud.GetStatusAsync(parsed, cancellationToken).ConfigureAwait(false) switch
        {
            CaseStatusResult.Found found => TypedResults.Ok(new CaseStatusFound("found", found.Summary)),
            CaseStatusResult.NotFound notFound => TypedResults.NotFound(
                new CaseStatusNotFound("notFound", notFound.Number, notFound.Court, Texts.Format("CaseNotFound", notFound.Number, notFound.Court))),
            CaseStatusResult.Unavailable unavailable => new UnavailableResult(unavailable.RetryAfter),
            _ => throw new InvalidOperationException("unknown DataJud result"),
        };
    }

    /// <summary>503 with Retry-After while DataJud holds the service back.</summary>
    internal sealed class UnavailableResult(DateTimeOffset? retryAfter) : IResult, IEndpointMetadataProvider
    {
        public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder) =>
            builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(CaseStatusUnavailable), ["application/json"]));

        public Task ExecuteAsync(HttpContext httpContext)
        {
            if (retryAfter is { } until)
            {
                var seconds = Math.Max(1, (int)Math.Ceiling((until - httpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()).TotalSeconds));
                httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }

            return Results.Json(new CaseStatusUnavailable("unavailable", Texts.Get("CaseStatusUnavailable")), statusCode: StatusCodes.Status503ServiceUnavailable)
                .ExecuteAsync(httpContext);
        }
    }

    internal static Results<Ok<CaseNumberInfo>, BadRequestProblem> DescribeNumber(string typed, UnitCatalog catalog, UnitResolver resolver)
    {
        var error = CnjNumber.TryParse(typed, out var number);
        if (error == CnjNumberError.WrongLength)
        {
            return Invalid("wrong-length", Texts.Get("CnjWrongLength"));
        }

        if (error == CnjNumberError.WrongCheckDigits)
        {
            return Invalid("wrong-check-digits", Texts.Format("CnjWrongCheckDigits", number.Canonical));
        }

        var ours = catalog.Courts.FirstOrDefault(c => c.CnjCode == number.CourtKey);
        var court = CnjCourts.Find(number);
        if (ours is null && court is null)
        {
            return Invalid("unknown-court", Texts.Format("CnjUnknownCourt", number.Canonical, number.CourtKey));
        }

        var unit = resolver.ByNumber(number).Unit;
        return TypedResults.Ok(new CaseNumberInfo(
            true, number.Canonical, number.Digits, ours?.Id ?? court!.Acronym, ours?.Name ?? court!.Name, ours is not null, number.Segment, number.CourtCode,
            number.Year, number.Origin, unit?.Id));

        static BadRequestProblem Invalid(string reason, string detail) =>
            new(Texts.Get("CnjInvalidTitle"), detail, new Dictionary<string, object?> { ["valid"] = false, ["reason"] = reason });
    }

    // "2026-12-21T10:00" parses as local time of the server: an instant needs its offset (or Z).
    private static bool HasOffset(string text) =>
        text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
}

/// <summary>Loads the calendar at start-up, so a broken calendar file stops the service instead of the first request.</summary>
internal sealed partial class CourtStartup(ForensicCalendar calendar, IOptions<DataJudOptions> dataJud, ILogger<CourtStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = calendar.Closures.Count;
        if (string.IsNullOrWhiteSpace(dataJud.Value.ApiKey))
        {
            LogNoDataJudKey(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "DataJud:ApiKey is not set: the chatbot cannot tell citizens the status of their cases (it says CNJ's service is not answering). Set DataJud__ApiKey to CNJ's public key")]
    private static partial void LogNoDataJudKey(ILogger logger);
}
