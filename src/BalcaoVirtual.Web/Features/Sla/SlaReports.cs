using System.Globalization;
using System.Text;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Units;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Sla;

/// <summary>How many conversations of a report bear one label.</summary>
public sealed record LabelCount(string Name, int Conversations);

/// <summary>A citizen's comment in a satisfaction survey, with its rating and conversation (for the unit's managers).</summary>
public sealed record SatisfactionComment(string ConversationId, int Score, string Comment, DateTimeOffset At);

/// <summary>
/// The satisfaction surveys a unit asked in a report's days: how many, how many answered, the average and the count of
/// each rating (1 to 5), and the comments (shown to the unit's managers only).
/// </summary>
public sealed record SatisfactionFigures(int Asked, int Answered, double? ResponseRate, double? Average, IReadOnlyList<int> Distribution, IReadOnlyList<SatisfactionComment> Comments)
{
    /// <summary>The comments were left out: the reader is not one of the unit's managers.</summary>
    public bool CommentsHidden { get; init; }

    public static SatisfactionFigures Of(IReadOnlyList<(string ConversationId, SatisfactionSurvey Survey)> surveys)
    {
        ArgumentNullException.ThrowIfNull(surveys);
        var rated = surveys.Where(s => s.Survey.Score is not null).ToList();
        return new SatisfactionFigures(
            surveys.Count,
            rated.Count,
            surveys.Count == 0 ? null : (double)rated.Count / surveys.Count,
            rated.Count == 0 ? null : rated.Average(s => s.Survey.Score!.Value),
            [.. Enumerable.Range(1, 5).Select(n => rated.Count(s => s.Survey.Score == n))],
            [.. rated.Where(s => !string.IsNullOrEmpty(s.Survey.Comment)).OrderBy(s => s.Survey.AnsweredAt)
                .Select(s => new SatisfactionComment(s.ConversationId, s.Survey.Score!.Value, s.Survey.Comment!, s.Survey.AnsweredAt!.Value))]);
    }
}

/// <summary>One day of a unit's report (in the unit's civil time).</summary>
public sealed record SlaDay(DateOnly Date, int Periods, int Met, int Breached, double? HitRate);

/// <summary>
/// How a unit did over some days: the waiting periods that started in them, how many were answered on time, late,
/// or are overdue and still open, the time to the first answer, the volume by channel, and the trend per day.
/// </summary>
public sealed record SlaReport
{
    public required string UnitId { get; init; }

    public required string UnitName { get; init; }

    public required DateOnly From { get; init; }

    /// <summary>Inclusive.</summary>
    public required DateOnly To { get; init; }

    public int Periods { get; init; }

    public int Met { get; init; }

    /// <summary>Answered after the due time.</summary>
    public int Breached { get; init; }

    /// <summary>Still unanswered, past the due time (counted as missed in the hit rate).</summary>
    public int Overdue { get; init; }

    /// <summary>Still unanswered, not yet due.</summary>
    public int Open { get; init; }

    public int Transferred { get; init; }

    public int Closed { get; init; }

    /// <summary>Met / (met + breached + overdue); null when none of them.</summary>
    public double? HitRate { get; init; }

    public double? MedianFirstAnswerMinutes { get; init; }

    public double? P90FirstAnswerMinutes { get; init; }

    public IReadOnlyDictionary<string, int> ByChannel { get; init; } = new Dictionary<string, int>();

    /// <summary>How many of the report's conversations bear each of the unit's labels (as they bear them now), most first.</summary>
    public IReadOnlyList<LabelCount> ByLabel { get; init; } = [];

    /// <summary>The names of the labels each conversation bears, for the CSV.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Labels { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>
    /// How many of the report's conversations were flagged on one of its days for a payment demand (PIX, boleto, a fee: the
    /// fake-lawyer scam), the citizen warned by the bot.
    /// </summary>
    public int PaymentWarnings => PaymentWarned.Count;

    /// <summary>The report's conversations flagged in its days, for the CSV.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlySet<string> PaymentWarned { get; init; } = new HashSet<string>();

    /// <summary>The satisfaction surveys asked in the report's days (comments only for the unit's managers).</summary>
    public SatisfactionFigures Satisfaction { get; init; } = SatisfactionFigures.Of([]);

    /// <summary>The unit's video calls of the report's days.</summary>
    public AppointmentFigures Appointments { get; init; } = AppointmentFigures.Of([], DateTimeOffset.MinValue);

    /// <summary>The latest rating each conversation gave in a survey asked in the report's days, for the CSV.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, int> Ratings { get; init; } = new Dictionary<string, int>();

    public IReadOnlyList<SlaDay> Days { get; init; } = [];

    public IReadOnlyList<WaitingPeriod> Items { get; init; } = [];

    /// <param name="facts">The names of the labels each conversation bears, and when each was flagged for a payment demand (none when missing).</param>
    public static SlaReport Build(Unit unit, DateOnly from, DateOnly to, IReadOnlyList<WaitingPeriod> periods, DateTimeOffset now, ConversationFacts? facts = null)
    {
        var labels = facts?.Labels;
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(periods);
        var items = periods.OrderBy(p => p.StartedAt).ToList();
        bool Overdue(WaitingPeriod p) => p.IsOpen && p.DueAt is { } due && due < now;
        bool Missed(WaitingPeriod p) => p.Outcome == PeriodOutcome.Breached || Overdue(p);
        var answers = items.Where(p => p.Outcome is PeriodOutcome.Met or PeriodOutcome.Breached && p.EndedAt is not null)
            .Select(p => (p.EndedAt!.Value - p.StartedAt).TotalMinutes)
            .Order()
            .ToList();
        var days = new List<SlaDay>();
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var ofDay = items.Where(p => LocalDate(p.StartedAt, unit) == day).ToList();
            var met = ofDay.Count(p => p.Outcome == PeriodOutcome.Met);
            var missed = ofDay.Count(Missed);
            days.Add(new SlaDay(day, ofDay.Count, met, missed, met + missed == 0 ? null : (double)met / (met + missed)));
        }

        var metTotal = items.Count(p => p.Outcome == PeriodOutcome.Met);
        var conversationIds = items.Select(p => p.ConversationId).ToHashSet(StringComparer.Ordinal);
        var missedTotal = items.Count(Missed);
        var warned = (facts?.PaymentWarnings ?? new Dictionary<string, IReadOnlyList<DateTimeOffset>>())
            .Where(w => conversationIds.Contains(w.Key) && w.Value.Any(at => LocalDate(at, unit) is var day && day >= from && day <= to))
            .Select(w => w.Key).ToHashSet(StringComparer.Ordinal);
        return new SlaReport
        {
            UnitId = unit.Id,
            UnitName = unit.Name,
            From = from,
            To = to,
            Periods = items.Count,
            Met = metTotal,
            Breached = items.Count(p => p.Outcome == PeriodOutcome.Breached),
            Overdue = items.Count(Overdue),
            Open = items.Count(p => p.IsOpen && !Overdue(p)),
            Transferred = items.Count(p => p.Outcome == PeriodOutcome.Transferred),
            Closed = items.Count(p => p.Outcome == PeriodOutcome.Closed),
            HitRate = metTotal + missedTotal == 0 ? null : (double)metTotal / (metTotal + missedTotal),
            MedianFirstAnswerMinutes = Percentile(answers, 0.5),
            P90FirstAnswerMinutes = Percentile(answers, 0.9),
            ByChannel = Enum.GetValues<Channel>().ToDictionary(c => c.ToString().ToLowerInvariant(), c => items.Count(p => p.Channel == c)),
            Days = days,
            Items = items,
            PaymentWarned = warned,
            Satisfaction = SatisfactionFigures.Of(facts?.Surveys ?? []),
            Appointments = AppointmentFigures.Of(facts?.Appointments ?? [], now),
            Ratings = (facts?.Surveys ?? []).Where(s => s.Survey.Score is not null).GroupBy(s => s.ConversationId)
                .ToDictionary(g => g.Key, g => g.MaxBy(s => s.Survey.AskedAt).Survey.Score!.Value, StringComparer.Ordinal),
            Labels = labels ?? new Dictionary<string, IReadOnlyList<string>>(),
            ByLabel = [.. (labels ?? new Dictionary<string, IReadOnlyList<string>>())
                .Where(l => conversationIds.Contains(l.Key))
                .SelectMany(l => l.Value).GroupBy(name => name, StringComparer.Ordinal)
                .Select(g => new LabelCount(g.Key, g.Count())).OrderByDescending(c => c.Conversations).ThenBy(c => c.Name, StringComparer.CurrentCulture)],
        };
    }

    /// <summary>Nearest-rank percentile of sorted values; null for none.</summary>
    internal static double? Percentile(IReadOnlyList<double> sorted, double q) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    internal static DateOnly LocalDate(DateTimeOffset instant, Unit unit) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, unit.TimeZone).DateTime);

    /// <summary>One line per period, no personal data: what a manager opens in a spreadsheet.</summary>
    public string ToCsv(Unit unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        var inv = CultureInfo.InvariantCulture;
        var csv = new StringBuilder();
        csv.Append("conversation,period,channel,started,due,ended,outcome,minutes_to_answer,minutes_late,transferred_from,transferred_to,labels,payment_warning,satisfaction\r\n");
        foreach (var p in Items)
        {
            string Local(DateTimeOffset? t) => t is { } v ? TimeZoneInfo.ConvertTime(v, unit.TimeZone).ToString("yyyy-MM-dd HH:mm:ss", inv) : "";
            var answered = p.Outcome is PeriodOutcome.Met or PeriodOutcome.Breached && p.EndedAt is { } e
                ? (e - p.StartedAt).TotalMinutes.ToString("0.0", inv)
                : "";
            csv.Append(string.Join(',',
                Field(p.ConversationId), p.Seq.ToString(inv), p.Channel.ToString().ToLowerInvariant(), Local(p.StartedAt), Local(p.DueAt), Local(p.EndedAt),
                p.Outcome.ToString().ToLowerInvariant(), answered, p.Late?.TotalMinutes.ToString("0.0", inv) ?? "",
                Field(p.TransferredFrom ?? ""), Field(p.TransferredTo ?? ""), Field(string.Join("; ", Labels.GetValueOrDefault(p.ConversationId) ?? [])),
                PaymentWarned.Contains(p.ConversationId) ? "yes" : "",
                Ratings.TryGetValue(p.ConversationId, out var rating) ? rating.ToString(inv) : ""));
            csv.Append("\r\n");
        }

        return csv.ToString();
    }

    /// <summary>RFC 4180 quoting, and no leading =, +, -, @ that a spreadsheet would run as a formula.</summary>
    private static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}

/// <summary>
/// The unit's video calls that started (or were to start) in the report's days: all of them, those attended, the
/// no-shows, those cancelled, those past without a record of either, and those still ahead.
/// </summary>
public sealed record AppointmentFigures(int Total, int Attended, int NoShows, int Cancelled, int NotRecorded, int Ahead)
{
    public static AppointmentFigures Of(IReadOnlyList<Appointments.Appointment> appointments, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(appointments);
        var booked = appointments.Where(a => a.Status == Appointments.AppointmentStatus.Booked).ToList();
        return new(
            appointments.Count,
            appointments.Count(a => a.Status == Appointments.AppointmentStatus.Attended),
            appointments.Count(a => a.Status == Appointments.AppointmentStatus.NoShow),
            appointments.Count(a => a.Status == Appointments.AppointmentStatus.Cancelled),
            booked.Count(a => a.Start <= now),
            booked.Count(a => a.Start > now));
    }
}

/// <summary>
/// What a report reads from its conversations' records: their labels by name, when each was flagged for a payment
/// demand, and the unit's satisfaction surveys asked in the report's days.
/// </summary>
public sealed record ConversationFacts(
    IReadOnlyDictionary<string, IReadOnlyList<string>> Labels,
    IReadOnlyDictionary<string, IReadOnlyList<DateTimeOffset>> PaymentWarnings,
    IReadOnlyList<(string ConversationId, SatisfactionSurvey Survey)>? Surveys = null)
{
    /// <summary>The unit's video calls of the report's days.</summary>
    public IReadOnlyList<Appointments.Appointment> Appointments { get; init; } = [];
}

/// <summary>
/// The unit's labels each conversation of a report bears now, by name (what the report counts per label), and the
/// conversations flagged for a payment demand (the fake-lawyer scam).
/// </summary>
public sealed class SlaReportFacts(
    ConversationStore conversations, Infrastructure.Storage.RedisConnections redis, Infrastructure.Storage.RedisKeys keys, Appointments.AppointmentBook appointments)
{
    /// <param name="from">The report's first instant; surveys asked in [from, to) are read from the unit's survey index.</param>
    public async Task<ConversationFacts> ForAsync(Unit unit, IReadOnlyList<WaitingPeriod> periods, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(periods);
        // One index entry per survey, scored by when it was asked: the report's days only.
        var surveyed = await redis.GetDatabase().SortedSetRangeByScoreAsync(keys.UnitSurveys(unit.Id), from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(), Exclude.Stop)
            .ConfigureAwait(false);
        var ids = surveyed.Select(s => s.ToString().Split('|')[0]).Distinct(StringComparer.Ordinal);
        var surveys = (await Task.WhenAll(ids.Select(conversations.GetAsync)).ConfigureAwait(false))
            .OfType<Conversation>()
            .SelectMany(c => c.Surveys.Where(s => s.UnitId == unit.Id && s.AskedAt >= from && s.AskedAt < to).Select(s => (c.Id, s)))
            .ToList();
        var names = (await Inbox.InboxLabels.ReadAsync(redis.GetDatabase(), keys, unit.Id).ConfigureAwait(false))
            .ToDictionary(l => l.Id, l => l.Name, StringComparer.Ordinal);
        var records = (await Task.WhenAll(periods.Select(p => p.ConversationId).Distinct().Select(conversations.GetAsync)).ConfigureAwait(false))
            .OfType<Conversation>().Where(c => c.UnitId == unit.Id).ToList();
        return new ConversationFacts(
            records.Where(c => c.Labels.Any(names.ContainsKey))
                .ToDictionary(c => c.Id, c => (IReadOnlyList<string>)[.. c.Labels.Where(names.ContainsKey).Select(l => names[l])]),
            records.Where(c => c.PaymentWarnings.Count > 0).ToDictionary(c => c.Id, c => c.PaymentWarnings),
            surveys)
        {
            Appointments = await appointments.AgendaAsync(unit.Id, from, to).ConfigureAwait(false),
        };
    }
}
