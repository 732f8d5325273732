using System.Security.Claims;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Resources;

namespace BalcaoVirtual.Web.Features.Units;

/// <summary>The per-unit rule every unit-scoped route applies: 404 for a unit that does not exist, 403 for one not the caller's.</summary>
internal static class UnitAccess
{
    /// <summary>Null when the unit exists and the caller may see it (or, with <paramref name="manage"/>, manage it); else the answer.</summary>
    public static Refusal? Refusal(ClaimsPrincipal user, UnitCatalog catalog, string unitId, bool manage = false)
    {
        if (!catalog.Contains(unitId))
        {
            return Infrastructure.Http.Refusal.NotFound(Texts.UnitNotFoundTitle);
        }

        var allowed = manage ? user.IsAdmin() || user.HasClaim(UserClaims.ManagerOf, unitId) : user.CanAccessUnit(unitId);
        return allowed ? null : Infrastructure.Http.Refusal.Forbidden();
    }

    /// <summary>The units a list covers: the one asked for (checked), or all the caller may see (every unit for an admin).</summary>
    public static (IReadOnlyCollection<string> Units, Refusal? Refusal) Scope(ClaimsPrincipal user, UnitCatalog catalog, string? unitId)
    {
        if (!string.IsNullOrEmpty(unitId))
        {
            return Refusal(user, catalog, unitId) is { } refused ? ([], refused) : ([unitId], null);
        }

        return (user.IsAdmin() ? catalog.Units.Select(u => u.Id).ToList() : user.AccessibleUnits(), null);
    }
}
