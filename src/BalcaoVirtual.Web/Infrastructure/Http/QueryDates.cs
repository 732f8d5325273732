using System.Globalization;

namespace BalcaoVirtual.Web.Infrastructure.Http;

/// <summary>
/// Dates typed into a query or a path (reports, the audit search, availability). Only years the service can reason
/// about are accepted: near DateOnly's ends the arithmetic that follows (a month later, a week earlier, a day's
/// opening hours) would overflow into a 500 instead of the 400 a bad value deserves.
/// </summary>
internal static class QueryDates
{
    public static readonly DateOnly Earliest = new(2000, 1, 1);

    public static readonly DateOnly Latest = new(2199, 12, 31);

    /// <summary>A day as yyyy-MM-dd, between <see cref="Earliest"/> and <see cref="Latest"/>.</summary>
    public static bool TryParseDay(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day) && IsPlausible(day);

    /// <summary>A month as yyyy-MM; its first day.</summary>
    public static bool TryParseMonth(string? text, out DateOnly first) => TryParseDay(text + "-01", out first);

    public static bool IsPlausible(DateOnly day) => day >= Earliest && day <= Latest;

    public static bool IsPlausible(DateTimeOffset instant) => IsPlausible(DateOnly.FromDateTime(instant.UtcDateTime));
}
