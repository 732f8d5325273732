using System.ComponentModel.DataAnnotations;
using System.Globalization;
using BalcaoVirtual.Web.Features.Court.DataJud;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Resources;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Court;

public sealed class CalendarOptions
{
    public const string Section = "Calendar";

    /// <summary>Folder with regional.json and the courts' *.closures.json; relative paths are looked up from the content root upwards.</summary>
    [Required]
    public string Directory { get; set; } = "deploy/calendars";
}

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
        app.MapGet("/api/units/{id}/availability", (string id, string? at, UnitCatalog catalog, UnitHours hours, TimeProvider time) =>
        {
            if (catalog.Find(id) is not { } unit)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: Texts.UnitNotFoundTitle, detail: Texts.Format(nameof(Texts.UnitNotFound), id));
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
            return Results.Ok(new
            {
                unitId = unit.Id,
                at = TimeZoneInfo.ConvertTime(instant, unit.TimeZone),
                availability.Open,
                availability.Reason,
                availability.OpensAt,
                availability.ClosesAt,
            });
        }).AllowAnonymous();
        app.MapGet("/api/units/resolve", (string? q, UnitResolver resolver) =>
        {
            var match = resolver.Resolve(q);
            return Results.Ok(new
            {
                match = match.Kind.ToString().ToLowerInvariant(),
                units = match.Units.Select(u => new { u.Id, u.Name, u.City, u.State }),
            });
        }).AllowAnonymous().RequireRateLimiting(RateLimits.Public);
        return app;
    }

    internal static async Task<IResult> StatusAsync(string number, UnitCatalog catalog, UnitResolver resolver, DataJudClient datajud, CancellationToken cancellationToken)
    {
        var described = DescribeNumber(number, catalog, resolver);
        if (CnjNumber.TryParse(number, out var parsed) != CnjNumberError.None || described is not IStatusCodeHttpResult { StatusCode: 200 })
        {
            return described;
        }

        return await datajud.GetStatusAsync(parsed, cancellationToken).ConfigureAwait(false) switch
        {
            CaseStatusResult.Found found => Results.Ok(new { result = "found", summary = found.Summary }),
            CaseStatusResult.NotFound notFound => Results.Json(
                new { result = "notFound", number = notFound.Number, court = notFound.Court, detail = Texts.Format("CaseNotFound", notFound.Number, notFound.Court) },
                statusCode: StatusCodes.Status404NotFound),
            CaseStatusResult.Unavailable unavailable => Unavailable(unavailable),
            _ => throw new InvalidOperationException("unknown DataJud result"),
        };

        static IResult Unavailable(CaseStatusResult.Unavailable unavailable) => new UnavailableResult(unavailable.RetryAfter);
    }

    private sealed class UnavailableResult(DateTimeOffset? retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            if (retryAfter is { } until)
            {
                var seconds = Math.Max(1, (int)Math.Ceiling((until - httpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()).TotalSeconds));
                httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }

            return Results.Json(new { result = "unavailable", detail = Texts.Get("CaseStatusUnavailable") }, statusCode: StatusCodes.Status503ServiceUnavailable)
                .ExecuteAsync(httpContext);
        }
    }

    internal static IResult DescribeNumber(string typed, UnitCatalog catalog, UnitResolver resolver)
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
        return Results.Ok(new
        {
            valid = true,
            number = number.Canonical,
            digits = number.Digits,
            court = ours?.Id ?? court!.Acronym,
            courtName = ours?.Name ?? court!.Name,
            servedHere = ours is not null,
            segment = number.Segment,
            courtCode = number.CourtCode,
            year = number.Year,
            origin = number.Origin,
            unitId = unit?.Id,
        });

        static IResult Invalid(string reason, string detail) => Results.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: Texts.Get("CnjInvalidTitle"),
            detail: detail,
            extensions: new Dictionary<string, object?> { ["valid"] = false, ["reason"] = reason });
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
