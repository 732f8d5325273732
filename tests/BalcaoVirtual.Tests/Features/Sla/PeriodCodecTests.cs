using System.Text;
using System.Text.Json;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Sla;
using BalcaoVirtual.Web.Features.Units;
using static BalcaoVirtual.Tests.Features.Sla.SlaSamples;

namespace BalcaoVirtual.Tests.Features.Sla;

/// <summary>A waiting period as stored: the compact form gives back what was written, and JSON of earlier versions is still read.</summary>
public sealed class PeriodCodecTests
{
    private const string ConversationId = "3041ffca7aa7d9462c69-1a20846fe006ca8dec361";

    // Written by the version before the compact form (a fixture of store-sha256-contact-ids.json, with its Hangfire job).
    private const string EarlierJson =
        """{"conversationId":"3041ffca7aa7d9462c69-1a20846fe006ca8dec361","seq":2,"unitId":"trt8-vt-macapa-7","channel":"email","startedAt":"2026-11-23T12:05:00+00:00","dueAt":"2026-11-25T12:05:00+00:00","points":[{"key":"warning-1","kind":"warning","at":"2026-11-25T00:05:00+00:00","before":"12:00:00"},{"key":"warning-2","kind":"warning","at":"2026-11-25T10:05:00+00:00","before":"02:00:00"},{"key":"breach","kind":"breach","at":"2026-11-25T12:05:00+00:00","before":null},{"key":"escalation","kind":"escalation","at":"2026-11-26T12:05:00+00:00","before":null}],"outcome":"open","endedAt":null,"answeredBy":null,"late":null,"transferredFrom":null,"transferredTo":null,"transferReason":null,"transferredBy":null,"jobs":["048bc0d9-724e-4d0a-9b92-f6f20c40a872"]}""";

    private static readonly DateTimeOffset Start = Local("2026-11-20T22:00:00.123");

    private static WaitingPeriod Open(Unit unit) => OpenPeriod(unit, Start, ConversationId, 3);

    private static WaitingPeriod RoundTrip(WaitingPeriod period) => PeriodCodec.Decode(period.ConversationId, period.Seq, PeriodCodec.Encode(period));

    /// <summary>Everything but the points, which are compared on their own (a list compares by reference).</summary>
    private static WaitingPeriod Head(WaitingPeriod p) => p with { Points = [] };

    [Test]
    public void OpenPeriod_IsShort_AndComesBackTheSame()
    {
        foreach (var unit in new[] { Macapa, Belem })
        {
            var period = Open(unit);
            var stored = PeriodCodec.Encode(period);
            var back = RoundTrip(period);
            Assert.Multiple(() =>
            {
                Assert.That(stored.Head, Does.StartWith("2|").And.Not.Contain(ConversationId));
                Assert.That(new[] { stored.Head, stored.Points }.Select(f => Encoding.UTF8.GetByteCount(f!)), Is.All.LessThanOrEqualTo(64),
                    "each field within Redis's listpack bound: " + stored);
                Assert.That(stored.End, Is.Null);
                Assert.That(Head(back), Is.EqualTo(Head(period)));
                Assert.That(back.Points, Is.EqualTo(period.Points));
            });
        }
    }

    [Test]
    public void EndedPeriods_KeepTheirOutcome_WhoAndWhy_EvenWithTheSeparatorsInTheText()
    {
        var period = Open(Macapa);
        var ended = new[]
        {
            period.Answered(period.DueAt!.Value.AddMinutes(90.5), "01a20846fe0073089dcb80099410c5d3"),
            period.Answered(Start.AddHours(1), "01a20846fe0073089dcb80099410c5d3"),
            period with
            {
                Outcome = PeriodOutcome.Transferred, EndedAt = Start.AddMinutes(7), TransferredTo = "trt8-vt-belem-1",
                TransferReason = "100% | de Belém; ação: 0001234-56.2026.5.08.0001", TransferredBy = "u1",
            },
            period with { Outcome = PeriodOutcome.Closed, EndedAt = Start.AddDays(3), TransferredFrom = "trt8-vt-belem-1" },
            period with { DueAt = null, Points = [] },
        };
        Assert.Multiple(() =>
        {
            foreach (var p in ended)
            {
                var back = RoundTrip(p);
                Assert.That(Head(back), Is.EqualTo(Head(p)), PeriodCodec.Encode(p).ToString());
                Assert.That(back.Points, Is.EqualTo(p.Points));
            }
        });
        Assert.That(ended[0].Outcome, Is.EqualTo(PeriodOutcome.Breached));
    }

    [Test]
    public void JsonOfEarlierVersions_IsRead_AndKeptAsJsonWhileItCarriesItsJob()
    {
        var period = PeriodCodec.Decode(ConversationId, 2, new StoredFields(EarlierJson, null, null));
        Assert.Multiple(() =>
        {
            Assert.That((period.ConversationId, period.Seq, period.UnitId, period.Channel, period.Outcome), Is.EqualTo((ConversationId, 2, Macapa.Id, Channel.Email, PeriodOutcome.Open)));
            Assert.That(period.DueAt, Is.EqualTo(new DateTimeOffset(2026, 11, 25, 12, 5, 0, TimeSpan.Zero)));
            Assert.That(period.Points.Select(p => (p.Key, p.Before)), Is.EqualTo(new (string, TimeSpan?)[]
            {
                ("warning-1", TimeSpan.FromHours(12)), ("warning-2", TimeSpan.FromHours(2)), ("breach", null), ("escalation", null),
            }));
            Assert.That(period.Jobs, Is.EqualTo(new[] { "048bc0d9-724e-4d0a-9b92-f6f20c40a872" }));
            var ended = period.Answered(period.StartedAt.AddHours(1), "u1");
            Assert.That(PeriodCodec.Encode(ended), Is.EqualTo(new StoredFields(JsonSerializer.Serialize(ended, SlaStore.Json), null, null)), "kept whole while it carries its job");
            var compact = ended with { Jobs = null };
            Assert.That(Head(RoundTrip(compact)), Is.EqualTo(Head(compact)));
            Assert.That(JsonSerializer.Deserialize<WaitingPeriod>(PeriodCodec.Encode(ended).Head, SlaStore.Json)!.Jobs, Is.EqualTo(period.Jobs));
        });
    }

    [Test]
    public void PointsThisClockDoesNotName_AreKeptAsJson()
    {
        var period = Open(Macapa) with { Points = [new SlaPoint("breach-early", SlaEventKind.Breach, Start.AddHours(1))] };
        var stored = PeriodCodec.Encode(period);
        Assert.That((stored.Head[0], stored.Points, stored.End), Is.EqualTo(('{', (string?)null, (string?)null)));
        Assert.That(PeriodCodec.Decode(ConversationId, 3, stored).Points.Single().Key, Is.EqualTo("breach-early"));
    }
}
