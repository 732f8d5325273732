using System.Security.Claims;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BalcaoVirtual.Web.Features.Units;

/// <summary>The admin API behind the units page: read, change and restore a unit's settings, and who changed them.</summary>
internal static class UnitSettingsEndpoints
{
    public static IEndpointRouteBuilder MapUnitSettings(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/units/{id}/settings").RequireAuthorization(AuthFeature.AdminPolicy);
        group.MapGet("/", GetAsync);
        group.MapPut("/", PutAsync);
        group.MapDelete("/", DeleteAsync);
        return app;
    }

    private static async Task<Results<Ok<UnitSettingsView>, NotFoundProblem>> GetAsync(string id, UnitCatalog catalog, UnitSettingsStore store) =>
        catalog.Find(id) is { } unit ? TypedResults.Ok(await ViewAsync(unit, store).ConfigureAwait(false)) : new NotFoundProblem(Texts.UnitNotFoundTitle);

    private static async Task<Results<Ok<UnitSettingsView>, ValidationProblem, NotFoundProblem>> PutAsync(string id, UnitSettings? settings, ClaimsPrincipal user, UnitCatalog catalog, UnitSettingsStore store, Privacy.AuditTrail trail)
    {
        if (!catalog.Contains(id))
        {
            return new NotFoundProblem(Texts.UnitNotFoundTitle);
        }

        if (settings is null)
        {
            return Problems.Validation(("", Texts.Get("UnitSettingsMissing")));
        }

        var errors = await store.SaveAsync(id, settings, user).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            return Problems.Validation([.. errors]);
        }

        await trail.RecordAsync("unit.settings", id).ConfigureAwait(false);
        return TypedResults.Ok(await ViewAsync(catalog.Find(id)!, store).ConfigureAwait(false));
    }

    private static async Task<Results<Ok<UnitSettingsView>, NotFoundProblem>> DeleteAsync(string id, ClaimsPrincipal user, UnitCatalog catalog, UnitSettingsStore store, Privacy.AuditTrail trail)
    {
        if (!catalog.Contains(id))
        {
            return new NotFoundProblem(Texts.UnitNotFoundTitle);
        }

        await store.RestoreAsync(id, user).ConfigureAwait(false);
        await trail.RecordAsync("unit.restore", id).ConfigureAwait(false);
        return TypedResults.Ok(await ViewAsync(catalog.Find(id)!, store).ConfigureAwait(false));
    }

    private static async Task<UnitSettingsView> ViewAsync(Unit unit, UnitSettingsStore store)
    {
        var change = store.ChangeOf(unit.Id);
        return new UnitSettingsView(unit.Id, unit.Name, unit.Court.Id, UnitSettingsMapping.From(unit), change?.ChangedBy, change?.ChangedAt);
    }
}
