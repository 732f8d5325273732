using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Sla;
using BalcaoVirtual.Web.Features.Units;
using static BalcaoVirtual.Tests.Features.Sla.SlaSamples;

namespace BalcaoVirtual.Tests.Features.Sla;

/// <summary>What a check decides at an instant: the minute before, at and after each point, and what ends a period.</summary>
public sealed class SlaRulesTests
{
    private static readonly DateTimeOffset Start = Local("2026-11-20T22:00");
    private static readonly DateTimeOffset Due = Local("2026-11-22T22:00");

    private static WaitingPeriod Period() => OpenPeriod(Macapa, Start);

    private static Conversation Waiting() => new()
    {
        Id = "abc-1",
        Channel = Channel.WhatsApp,
        ContactAddress = "whatsapp:+5596981234567",
        UnitId = Macapa.Id,
        State = ConversationState.Waiting,
        WaitingSince = Start,
    };

    private static Message ClerkReply(DateTimeOffset created, DateTimeOffset? sent) => new()
    {
        Id = "m" + created.ToUnixTimeSeconds(),
        Direction = MessageDirection.Outbound,
        Channel = Channel.WhatsApp,
        Author = MessageAuthor.Clerk,
        AuthorId = "clerk-1",
        Text = "Resposta",
        CreatedAt = created,
        SentAt = sent,
    };

    private static readonly HashSet<string> WarningsWritten = ["warning-1", "warning-2"];

    [Test]
    public void MinuteBeforeDue_NoBreach_NextCheckAtDue()
    {
        var d = SlaRules.Decide(Period(), Waiting(), [], WarningsWritten, Due.AddMinutes(-1));
        Assert.Multiple(() =>
        {
            Assert.That(d.NewEvents, Is.Empty);
            Assert.That(d.Ended, Is.Null);
            Assert.That(d.NextCheck, Is.EqualTo(Due));
        });
    }

    [Test]
    public void AtDue_BreachWritten_NextCheckAtEscalation()
    {
        var d = SlaRules.Decide(Period(), Waiting(), [], WarningsWritten, Due);
        Assert.That(d.NewEvents.Select(e => (e.Key, e.Suppressed)), Is.EqualTo(new[] { ("breach", false) }));
        Assert.That(d.NextCheck, Is.EqualTo(Due.AddHours(24)));
    }

    [Test]
    public void MinuteAfterDue_BreachAlreadyWritten_NothingNew()
    {
        var d = SlaRules.Decide(Period(), Waiting(), [], new HashSet<string>(WarningsWritten) { "breach" }, Due.AddMinutes(1));
        Assert.That(d.NewEvents, Is.Empty);
    }

    [Test]
    public void LateCheck_WritesEverythingMissed_SendsOnlyTheMostSerious()
    {
        // The service was down from Saturday to Monday night: both warnings and the breach are due at once.
        var d = SlaRules.Decide(Period(), Waiting(), [], new HashSet<string>(), Due.AddHours(1));
        Assert.That(d.NewEvents.Select(e => (e.Key, e.Suppressed)), Is.EquivalentTo(new[]
        {
            ("warning-1", true), ("warning-2", true), ("breach", false),
        }));
    }

    [Test]
    public void LateCheck_AfterTheEscalation_SendsBothBreachAndEscalation()
    {
        // Down past the escalation: the managers must still hear of the breach, and the court's contact of the escalation.
        var d = SlaRules.Decide(Period(), Waiting(), [], new HashSet<string>(), Due.AddHours(25));
        Assert.That(d.NewEvents.Select(e => (e.Key, e.Suppressed)), Is.EquivalentTo(new[]
        {
            ("warning-1", true), ("warning-2", true), ("breach", false), ("escalation", false),
        }));
    }

    [Test]
    public void LateCheck_TwoWarningsDue_SendsOnlyTheLaterWarning()
    {
        var d = SlaRules.Decide(Period(), Waiting(), [], new HashSet<string>(), Due.AddMinutes(-1));
        Assert.That(d.NewEvents.Select(e => (e.Key, e.Suppressed)), Is.EquivalentTo(new[] { ("warning-1", true), ("warning-2", false) }));
    }

    [Test]
    public void ClerkReplySent_EndsThePeriod_MetOrBreachedBy()
    {
        var met = SlaRules.Decide(Period(), Waiting(), [ClerkReply(Due.AddHours(-3), Due.AddHours(-3))], WarningsWritten, Due.AddHours(2)).Ended;
        Assert.That((met?.Outcome, met?.Late, met?.AnsweredBy), Is.EqualTo((PeriodOutcome.Met, (TimeSpan?)null, "clerk-1")));

        var late = SlaRules.Decide(Period(), Waiting(), [ClerkReply(Due.AddMinutes(90), Due.AddMinutes(90))], WarningsWritten, Due.AddHours(2)).Ended;
        Assert.That((late?.Outcome, late?.Late), Is.EqualTo((PeriodOutcome.Breached, (TimeSpan?)TimeSpan.FromMinutes(90))));
    }

    [Test]
    public void NotSentReplyOrNote_DoesNotEndThePeriod()
    {
        var pending = ClerkReply(Due.AddHours(-3), null);
        var note = ClerkReply(Due.AddHours(-3), Due.AddHours(-3)) with { Direction = MessageDirection.Internal };
        var bot = ClerkReply(Due.AddHours(-3), Due.AddHours(-3)) with { Author = MessageAuthor.Bot };
        var d = SlaRules.Decide(Period(), Waiting(), [pending, note, bot], WarningsWritten, Due);
        Assert.Multiple(() =>
        {
            Assert.That(d.Ended, Is.Null);
            Assert.That(d.NewEvents.Select(e => e.Key), Is.EqualTo(new[] { "breach" }));
        });
    }

    [Test]
    public void ReplyFromAnEarlierPeriod_DoesNotCount()
    {
        var d = SlaRules.Decide(Period(), Waiting(), [ClerkReply(Start.AddHours(-1), Start.AddHours(-1))], WarningsWritten, Due);
        Assert.That(d.Ended, Is.Null);
    }

    [Test]
    public void ClosedOrMovedConversation_EndsWithoutEvents()
    {
        var closed = SlaRules.Decide(Period(), Waiting() with { State = ConversationState.Closed }, [], WarningsWritten, Due);
        Assert.That(closed.Ended?.Outcome, Is.EqualTo(PeriodOutcome.Closed));
        var moved = SlaRules.Decide(Period(), Waiting() with { UnitId = "trt8-vt-belem-1" }, [], WarningsWritten, Due);
        Assert.That((moved.Ended?.Outcome, moved.Ended?.TransferredTo), Is.EqualTo((PeriodOutcome.Transferred, "trt8-vt-belem-1")));
        Assert.That(closed.NewEvents.Concat(moved.NewEvents), Is.Empty);
    }

    [Test]
    public void EndedPeriod_DecidesNothing()
    {
        var d = SlaRules.Decide(Period() with { Outcome = PeriodOutcome.Met }, Waiting(), [], new HashSet<string>(), Due.AddDays(3));
        Assert.That((d.Ended, d.NewEvents.Count, d.NextCheck), Is.EqualTo(((WaitingPeriod?)null, 0, (DateTimeOffset?)null)));
    }

    [TestCase(0, "menos de 1 min")]
    [TestCase(40, "40 min")]
    [TestCase(320, "5 h 20 min")]
    [TestCase(1440, "1 dia")]
    [TestCase(1620, "1 dia e 3 h")]
    [TestCase(2880 + 240, "2 dias e 4 h")]
    public void Durations_ReadAsPeopleSayThem(int minutes, string text) =>
        Assert.That(SlaFormat.Duration(TimeSpan.FromMinutes(minutes)), Is.EqualTo(text));

    [TestCase(Channel.WhatsApp, "whatsapp:+5596981234567", "(96) *****-4567")]
    [TestCase(Channel.Sms, "+5591981230120", "(91) *****-0120")]
    [TestCase(Channel.Email, "joana.silva@gmail.com", "j***@gmail.com")]
    public void Contacts_AreMasked(Channel channel, string address, string masked) =>
        Assert.That(SlaFormat.MaskedContact(channel, address), Is.EqualTo(masked));
}
