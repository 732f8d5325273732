using System.Globalization;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Sla;
using BalcaoVirtual.Web.Features.Units;

namespace BalcaoVirtual.Tests.Features.Sla;

/// <summary>The sample TRT8 catalogue with the real calendar files, and Belém's civil time.</summary>
internal static class SlaSamples
{
    public static readonly UnitCatalog Trt8 = UnitCatalogLoader.LoadFile(RepoPaths.File("deploy", "units", "trt8.sample.json"));
    public static readonly SlaClock Clock = new(new UnitHours(CalendarFiles.Load(RepoPaths.File("deploy", "calendars"))));
    public static readonly Unit Belem = Trt8.Find("trt8-vt-belem-1")!;
    public static readonly Unit Macapa = Trt8.Find("trt8-vt-macapa-7")!;

    /// <summary>"2026-11-23T10:00" in UTC−3.</summary>
    public static DateTimeOffset Local(string text) => DateTimeOffset.Parse(text + "-03:00", CultureInfo.InvariantCulture);

    /// <summary>A WhatsApp conversation's period waiting for <paramref name="unit"/> since <paramref name="start"/>, its points by the unit's policy.</summary>
    public static WaitingPeriod OpenPeriod(Unit unit, DateTimeOffset start, string conversationId = "abc-1", int seq = 1) => new()
    {
        ConversationId = conversationId,
        Seq = seq,
        UnitId = unit.Id,
        Channel = Channel.WhatsApp,
        StartedAt = start,
        DueAt = Clock.DueAt(unit, start),
        Points = Clock.Points(unit, start),
    };
}
