using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.PublicSite;

/// <summary>
/// What a court publishes under Res. CNJ 372/2021: the page at <c>/</c> listing every unit, open or closed, and how to
/// reach it; one unit's page; the same list as a fragment a court's portal can include; and the JSON feed.
/// </summary>
public static class PublicFeature
{
    public static IServiceCollection AddPublic(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStrictOptions<PublicSiteOptions, PublicSiteOptionsValidator>(configuration, PublicSiteOptions.Section);
        return services;
    }

    public static IEndpointRouteBuilder MapPublic(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (string? q, HttpContext http, UnitCatalog catalog, UnitResolver resolver, UnitHours hours, TimeProvider time) =>
        {
            var search = PublicSearch.Find(q, catalog, resolver);
            if (search.CaseUnit is { } owner)
            {
                // A case number jumps to the unit that owns it.
                return Results.Redirect($"/unidades/{Uri.EscapeDataString(owner.Id)}?processo={Uri.EscapeDataString(search.CaseNumber!)}");
            }

            var now = time.GetUtcNow();
            return Page(http, PublicPage.Render(search, View(search.Units, hours, now), catalog.Courts, now, single: null));
        }).AllowAnonymous().RequireRateLimiting(RateLimits.Public);

        app.MapGet("/unidades/{id}", (string id, string? processo, HttpContext http, UnitCatalog catalog, UnitResolver resolver, UnitHours hours, TimeProvider time) =>
        {
            var now = time.GetUtcNow();
            if (catalog.Find(id) is not { } unit)
            {
                var all = PublicSearch.Find(null, catalog, resolver) with { Note = Texts.Format("UnitNotFound", id) };
                return Page(http, PublicPage.Render(all, View(all.Units, hours, now), catalog.Courts, now, single: null), StatusCodes.Status404NotFound);
            }

            // The case note only when the number really belongs here (the link is shareable, so it is checked again).
            var search = PublicSearch.Find(processo, catalog, resolver) is { CaseUnit: { } owner } found && owner.Id == unit.Id
                ? found
                : new PublicSearch("", [unit], null, null, null);
            return Page(http, PublicPage.Render(search, View([unit], hours, now), catalog.Courts, now, single: unit));
        }).AllowAnonymous().RequireRateLimiting(RateLimits.Public);

        app.MapGet("/fragmento", (string? q, HttpContext http, UnitCatalog catalog, UnitResolver resolver, UnitHours hours, TimeProvider time, IOptions<PublicSiteOptions> site) =>
        {
            var search = PublicSearch.Find(q, catalog, resolver);
            var units = search.CaseUnit is { } owner ? [owner] : search.Units;
            var origin = site.Value.Origin(http.Request);
            http.Response.Headers.AccessControlAllowOrigin = "*";
            // Links made from the request's Host are never offered to a shared cache (a forged Host would stay there).
            http.Response.Headers.CacheControl = site.Value.BaseUrl is null ? "private, max-age=60" : "public, max-age=60";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.Content(PublicPage.Fragment(search, View(units, hours, time.GetUtcNow()), origin), "text/html; charset=utf-8");
        }).AllowAnonymous().RequireRateLimiting(RateLimits.Public);

        // The JSON feed of the same, for the court's portal: every unit with its availability now.
        var api = app.MapGroup("/api/units").AllowAnonymous().RequireRateLimiting(RateLimits.Public);
        api.MapGet("/", (UnitCatalog catalog, UnitHours hours, TimeProvider time) => Feed(catalog, hours, time));
        api.MapGet("/{id}", Results<Ok<PublicUnitJson>, NotFoundProblem> (string id, UnitCatalog catalog, UnitHours hours, TimeProvider time) =>
            catalog.Find(id) is { } unit
                ? TypedResults.Ok(new PublicUnit(unit, hours.At(unit, time.GetUtcNow())).ToJson())
                : new NotFoundProblem(Texts.UnitNotFoundTitle, Texts.Format(nameof(Texts.UnitNotFound), id)));
        return app;
    }

    /// <summary>Every unit with its availability now: the JSON feed for the court's portal (GET /api/units).</summary>
    internal static IEnumerable<PublicUnitJson> Feed(UnitCatalog catalog, UnitHours hours, TimeProvider time) =>
        View(catalog.Units, hours, time.GetUtcNow()).Select(u => u.ToJson());

    internal static IReadOnlyList<PublicUnit> View(IEnumerable<Unit> units, UnitHours hours, DateTimeOffset now) =>
        [.. units.Select(u => new PublicUnit(u, hours.At(u, now)))];

    private static IResult Page(HttpContext http, string html, int status = StatusCodes.Status200OK)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = PublicPage.ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "public, max-age=60"; // the open/closed state is worth a minute
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
