using System.Text.Json;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Appointments;

/// <summary>The appointments the chatbot and the pages read and write (an interface so the chatbot can be driven without a store).</summary>
public interface IAppointments
{
    /// <summary>
    /// The next slots of the unit with a free place, soonest first, at most <paramref name="max"/>; with a contact, none
    /// that overlaps a call the contact holds there.
    /// </summary>
    Task<IReadOnlyList<DateTimeOffset>> FreeSlotsAsync(Unit unit, DateTimeOffset now, int max, string? contactId = null);

    Task<BookingResult> BookAsync(BookingRequest request, DateTimeOffset now);

    /// <summary>The contact's appointments still ahead, at any unit, soonest first.</summary>
    Task<IReadOnlyList<Appointment>> UpcomingAsync(string contactId, DateTimeOffset now);

    /// <summary>Cancels; null when the appointment changed meanwhile (or is no longer booked).</summary>
    Task<Appointment?> CancelAsync(Appointment appointment, string by, DateTimeOffset now);

    /// <summary>Moves to another slot of the same unit, keeping the place until the new one is taken.</summary>
    Task<BookingResult> MoveAsync(Appointment appointment, DateTimeOffset start, DateTimeOffset now);
}

/// <summary>
/// Appointments in the store, per unit on one hash slot: each record (JSON), the agenda (every id by start), each
/// contact's booked ids by start, and a count of the unit's place changes. A place is counted by overlap with the calls
/// booked, not by start alone (after the unit changed its slot length, a call on the old grid still holds its time), so
/// a booking or a move reads the calls around its time and commits in one transaction conditioned on no place having
/// changed at the unit since (the count) and the contact holding fewer than the unit's limit ahead: two nodes booking
/// the last place at once cannot both win; the one that lost reads again and finds the place taken.
/// </summary>
public sealed class AppointmentBook(RedisConnections redis, RedisKeys keys, UnitCatalog catalog, AppointmentSlots slots) : IAppointments
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Longest subject kept (the rest is cut): a short line on the clerk's agenda.</summary>
    public const int SubjectLength = 140;

    /// <summary>Tries of a write that lost a race with another write to the same keys (not with a full slot: that is an answer).</summary>
    private const int Attempts = 16;

    private IDatabase Db => redis.GetDatabase();

    public async Task<IReadOnlyList<DateTimeOffset>> FreeSlotsAsync(Unit unit, DateTimeOffset now, int max, string? contactId = null)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (unit.Appointments is not { } policy)
        {
            return [];
        }

        var offered = slots.Offered(unit, now).ToList();
        if (offered.Count == 0)
        {
            return [];
        }

        // Places are counted by overlap with the calls booked, not by start alone: after the unit changed its slot length
        // or hours, a call booked on the old grid still takes the time it holds.
        var calls = await AgendaAsync(unit.Id, offered[0] - AppointmentPolicy.LongestSlot, offered[^1] + policy.SlotLength).ConfigureAwait(false);
        return [.. offered.Where(start =>
        {
            var overlapping = calls.Where(a => a.Holds(start, policy.SlotLength)).ToList();
            return overlapping.Count < policy.PlacesPerSlot && (contactId is null || !overlapping.Any(a => a.ContactId == contactId));
        }).Take(max)];
    }

    public async Task<Appointment?> GetAsync(string unitId, string appointmentId)
    {
        var raw = await Db.StringGetAsync(keys.Appointment(unitId, appointmentId)).ConfigureAwait(false);
        return raw.IsNullOrEmpty ? null : JsonSerializer.Deserialize<Appointment>(raw.ToString(), Json);
    }

    public async Task<BookingResult> BookAsync(BookingRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (catalog.Find(request.UnitId) is not { Appointments: { } policy } unit)
        {
            return new(null, BookingRefusal.Slot, SlotProblem.NoAppointments);
        }

        if (slots.Check(unit, request.Start, now) is { } problem)
        {
            return new(null, BookingRefusal.Slot, problem);
        }

        var appointment = new Appointment(
            request.Id ?? Conversations.InboundStore.NewId(now), unit.Id, request.Start, policy.SlotLength, request.ContactId, request.ConversationId,
            request.Subject, now, request.BookedBy)
        {
            Name = request.Name,
            Cases = request.Cases,
            Via = request.Via,
        };
        var contactKey = keys.AppointmentsOfContact(unit.Id, request.ContactId);
        var recordKey = keys.Appointment(unit.Id, appointment.Id);
        var placesKey = keys.AppointmentPlaces(unit.Id);
        // The same request again (a turn run twice, a form sent twice, also at the same moment): what it booked the first
        // time. Looked for before any refusal, since the first booking is what makes the place full or the limit reached.
        async Task<BookingResult?> EarlierAsync() =>
            request.Id is not null && await GetAsync(unit.Id, request.Id).ConfigureAwait(false) is { } earlier && earlier.ContactId == request.ContactId
                ? new(earlier) { Again = true }
                : null;

        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var changes = await Db.StringGetAsync(placesKey).ConfigureAwait(false);
            if (await HeldAsync(unit.Id, request.Start, policy.SlotLength, except: null).ConfigureAwait(false) >= policy.PlacesPerSlot)
            {
                return await EarlierAsync().ConfigureAwait(false) ?? new(null, BookingRefusal.Full);
            }

            var transaction = redis.ForTransactions().CreateTransaction();
            transaction.AddCondition(Unchanged(placesKey, changes));
            // Only appointments not yet over count against the limit.
            var limit = transaction.AddCondition(Condition.SortedSetLengthLessThan(contactKey, policy.PerContact, now.ToUnixTimeMilliseconds() - policy.SlotLength.TotalMilliseconds, double.PositiveInfinity));
            transaction.AddCondition(Condition.KeyNotExists(recordKey));
            _ = transaction.StringSetAsync(recordKey, JsonSerializer.Serialize(appointment, Json));
            _ = transaction.StringIncrementAsync(placesKey);
            _ = transaction.SortedSetAddAsync(contactKey, appointment.Id, request.Start.ToUnixTimeMilliseconds());
            _ = transaction.SortedSetAddAsync(keys.AppointmentAgenda(unit.Id), appointment.Id, request.Start.ToUnixTimeMilliseconds());
            _ = transaction.SetAddAsync(keys.AppointmentHistory(unit.Id, request.ContactId), appointment.Id);
            if (await transaction.ExecuteAsync().ConfigureAwait(false))
            {
                return new(appointment);
            }

            if (await EarlierAsync().ConfigureAwait(false) is { } again)
            {
                return again;
            }

            if (!limit.WasSatisfied)
            {
                return new(null, BookingRefusal.Limit);
            }
        }

        throw new RedisException($"Appointment at unit {unit.Id} not booked after {Attempts} tries: the store kept changing under it.");
    }

    public async Task<IReadOnlyList<Appointment>> UpcomingAsync(string contactId, DateTimeOffset now)
    {
        // Every unit, also one that stopped taking appointments: what was booked there can still be seen and cancelled.
        var units = catalog.Units;
        var from = (now - AppointmentPolicy.LongestSlot).ToUnixTimeMilliseconds(); // a long slot may still be running
        var ids = await Task.WhenAll(units.Select(u => Db.SortedSetRangeByScoreAsync(keys.AppointmentsOfContact(u.Id, contactId), from))).ConfigureAwait(false);
        var found = await Task.WhenAll(units.SelectMany((u, i) => ids[i].Select(id => GetAsync(u.Id, id.ToString())))).ConfigureAwait(false);
        return [.. found.OfType<Appointment>().Where(a => a.ActiveAt(now)).OrderBy(a => a.Start)];
    }

    public Task<Appointment?> CancelAsync(Appointment appointment, string by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(appointment);
        return ChangeAsync(appointment, a => a with { Status = AppointmentStatus.Cancelled, CancelledAt = now, CancelledBy = by }, Slotting.Leave);
    }

    public async Task<BookingResult> MoveAsync(Appointment appointment, DateTimeOffset start, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(appointment);
        if (catalog.Find(appointment.UnitId) is not { Appointments: { } policy } unit)
        {
            return new(null, BookingRefusal.Slot, SlotProblem.NoAppointments);
        }

        if (slots.Check(unit, start, now) is { } problem)
        {
            return new(null, BookingRefusal.Slot, problem);
        }

        if (start == appointment.Start)
        {
            return new(appointment);
        }

        var moved = await ChangeAsync(appointment, a => a with
        {
            Start = start,
            Length = policy.SlotLength,
            MovedFrom = [.. a.MovedFrom, a.Start],
            MovedAt = now,
            RemindedDayBefore = null,
            RemindedSoon = null,
        }, Slotting.Take, policy.PlacesPerSlot).ConfigureAwait(false);
        if (moved is not null)
        {
            return new(moved);
        }

        return await HeldAsync(unit.Id, start, policy.SlotLength, appointment.Id).ConfigureAwait(false) >= policy.PlacesPerSlot
            ? new(null, BookingRefusal.Full)
            : new(null, BookingRefusal.Slot, SlotProblem.NotASlot);
    }

    /// <summary>How many calls of the unit (other than <paramref name="except"/>) hold a place in the time from <paramref name="start"/> for <paramref name="length"/>.</summary>
    private async Task<int> HeldAsync(string unitId, DateTimeOffset start, TimeSpan length, string? except) =>
        (await AgendaAsync(unitId, start - AppointmentPolicy.LongestSlot, start + length).ConfigureAwait(false))
            .Count(a => a.Id != except && a.Holds(start, length));

    /// <summary>Notes the call on another conversation of its contact, whatever else changed on it meanwhile (nothing when it is gone).</summary>
    public async Task RepointAsync(string unitId, string appointmentId, string conversationId)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await GetAsync(unitId, appointmentId).ConfigureAwait(false) is not { } current || current.ConversationId == conversationId
                || await NoteAsync(current, a => a with { ConversationId = conversationId }).ConfigureAwait(false) is not null)
            {
                return;
            }
        }

        throw new RedisException($"Appointment {appointmentId} of unit {unitId} not moved to its conversation after {Attempts} tries.");
    }

    /// <summary>The condition that the unit's places are as read (no booking, move or cancellation since).</summary>
    private static Condition Unchanged(RedisKey placesKey, RedisValue changes) =>
        changes.IsNull ? Condition.KeyNotExists(placesKey) : Condition.StringEqual(placesKey, changes);

    /// <summary>Changes the record only (a reminder sent, the link pasted, the attendance), if it is still as seen; null otherwise.</summary>
    public Task<Appointment?> NoteAsync(Appointment seen, Func<Appointment, Appointment> change) => ChangeAsync(seen, change, Slotting.Keep);

    /// <summary>What a change does to the appointment's place.</summary>
    private enum Slotting
    {
        /// <summary>Leaves its place and the contact's count (cancelled).</summary>
        Leave,

        /// <summary>Takes a place at the new time, in the same step (moved).</summary>
        Take,

        /// <summary>Keeps its place: only the record changes.</summary>
        Keep,
    }

    /// <summary>
    /// Changes an appointment that is still as the caller saw it (its status and start): cancelled, moved to a slot
    /// with a free place (given its <paramref name="places"/>), or noted. Null when it changed meanwhile, or the new
    /// slot is full.
    /// </summary>
    private async Task<Appointment?> ChangeAsync(Appointment seen, Func<Appointment, Appointment> change, Slotting slotting, int places = 0)
    {
        var recordKey = keys.Appointment(seen.UnitId, seen.Id);
        var placesKey = keys.AppointmentPlaces(seen.UnitId);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var changes = await Db.StringGetAsync(placesKey).ConfigureAwait(false);
            var raw = await Db.StringGetAsync(recordKey).ConfigureAwait(false);
            if (raw.IsNullOrEmpty || JsonSerializer.Deserialize<Appointment>(raw.ToString(), Json) is not { } stored
                || stored.Status != seen.Status || stored.Start != seen.Start)
            {
                return null;
            }

            var after = change(stored);
            var transaction = redis.ForTransactions().CreateTransaction();
            transaction.AddCondition(Condition.StringEqual(recordKey, raw));
            var contactKey = keys.AppointmentsOfContact(seen.UnitId, seen.ContactId);
            switch (slotting)
            {
                case Slotting.Take:
                    if (await HeldAsync(seen.UnitId, after.Start, after.Length, seen.Id).ConfigureAwait(false) >= places)
                    {
                        return null;
                    }

                    transaction.AddCondition(Unchanged(placesKey, changes));
                    _ = transaction.StringIncrementAsync(placesKey);
                    _ = transaction.SortedSetAddAsync(contactKey, seen.Id, after.Start.ToUnixTimeMilliseconds());
                    _ = transaction.SortedSetAddAsync(keys.AppointmentAgenda(seen.UnitId), seen.Id, after.Start.ToUnixTimeMilliseconds());
                    break;
                case Slotting.Leave:
                    _ = transaction.StringIncrementAsync(placesKey);
                    _ = transaction.SortedSetRemoveAsync(contactKey, seen.Id);
                    break;
            }

            _ = transaction.StringSetAsync(recordKey, JsonSerializer.Serialize(after, Json));
            if (await transaction.ExecuteAsync().ConfigureAwait(false))
            {
                return after;
            }
        }

        throw new RedisException($"Appointment {seen.Id} of unit {seen.UnitId} not changed after {Attempts} tries: the store kept changing under it.");
    }

    /// <summary>Every appointment booked through a conversation, at any unit, whatever became of it (an export).</summary>
    public async Task<IReadOnlyList<Appointment>> OfConversationAsync(string conversationId)
    {
        var contact = RedisKeys.ContactOf(conversationId);
        var found = new List<Appointment>();
        foreach (var unit in catalog.Units)
        {
            foreach (var id in await Db.SetMembersAsync(keys.AppointmentHistory(unit.Id, contact)).ConfigureAwait(false))
            {
                if (await GetAsync(unit.Id, id.ToString()).ConfigureAwait(false) is { } appointment && appointment.ConversationId == conversationId)
                {
                    found.Add(appointment);
                }
            }
        }

        return [.. found.OrderBy(a => a.Start)];
    }

    /// <summary>
    /// An erasure: the conversation's calls still ahead are cancelled (their places freed), and every call's record keeps
    /// only what the unit's figures need (unit, time, status): the subject, the name and the case numbers go.
    /// </summary>
    public async Task EraseAsync(string conversationId, DateTimeOffset now)
    {
        foreach (var appointment in await OfConversationAsync(conversationId).ConfigureAwait(false))
        {
            var current = appointment.ActiveAt(now) ? await CancelAsync(appointment, "erasure", now).ConfigureAwait(false) ?? appointment : appointment;
            var erased = current with { Subject = Privacy.Anonymizer.Removed, Name = null, Cases = [], Link = null };
            await Db.StringSetAsync(keys.Appointment(current.UnitId, current.Id), JsonSerializer.Serialize(erased, Json)).ConfigureAwait(false);
        }
    }

    /// <summary>The unit's appointments (any status) starting in [<paramref name="from"/>, <paramref name="to"/>), by start.</summary>
    public async Task<IReadOnlyList<Appointment>> AgendaAsync(string unitId, DateTimeOffset from, DateTimeOffset to)
    {
        var ids = await Db.SortedSetRangeByScoreAsync(keys.AppointmentAgenda(unitId), from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(), Exclude.Stop)
            .ConfigureAwait(false);
        var found = await Task.WhenAll(ids.Select(id => GetAsync(unitId, id.ToString()))).ConfigureAwait(false);
        return [.. found.OfType<Appointment>().OrderBy(a => a.Start).ThenBy(a => a.BookedAt)];
    }
}
