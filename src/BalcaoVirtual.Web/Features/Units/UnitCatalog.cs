namespace BalcaoVirtual.Web.Features.Units;

/// <summary>
/// The court units this service answers for: loaded from the catalogue file at start-up, with the settings admins changed
/// since (<see cref="UnitSettingsStore"/>) laid over it. A change swaps the whole snapshot at once, so a reader sees
/// either the old units or the new ones, never a mix; a <see cref="Unit"/> already read stays as it was.
/// </summary>
public sealed class UnitCatalog
{
    private volatile Snapshot current;

    public UnitCatalog(IReadOnlyList<Court> courts, IReadOnlyList<Unit> units) => current = new Snapshot(courts, units);

    public IReadOnlyList<Court> Courts => current.Courts;

    public IReadOnlyList<Unit> Units => current.Units;

    /// <summary>The court's civil time zone (the first court's, when the catalogue holds several), for what belongs to no unit.</summary>
    public string CourtTimeZone => current.Courts is [var first, ..] ? first.TimeZone : "America/Belem";

    /// <summary>The unit whose WhatsApp (or SMS) number this is, by its digits; null for the court's central numbers.</summary>
    public Unit? FindByPhone(bool whatsApp, string e164Digits) =>
        current.ByPhone.GetValueOrDefault((whatsApp ? "whatsapp:" : "sms:") + e164Digits);

    public Unit? Find(string id) => current.ById.GetValueOrDefault(id);

    public bool Contains(string id) => current.ById.ContainsKey(id);

    /// <summary>Every mailbox the service reads: the units' and the courts' central ones.</summary>
    public IReadOnlyList<Mailbox> Mailboxes => current.Mailboxes;

    /// <summary>The mailbox of this id (a unit's or a court's id).</summary>
    public Mailbox? FindMailbox(string id) => current.Mailboxes.FirstOrDefault(m => m.Id == id);

    /// <summary>The mailbox with this address, compared without case.</summary>
    public Mailbox? FindMailboxByAddress(string? address) =>
        address is null ? null : current.Mailboxes.FirstOrDefault(m => string.Equals(m.Address, address, StringComparison.OrdinalIgnoreCase));

    /// <summary>Takes the units of another (already validated) catalogue.</summary>
    internal void Replace(UnitCatalog next) => current = next.current;

    private sealed class Snapshot
    {
        public Snapshot(IReadOnlyList<Court> courts, IReadOnlyList<Unit> units)
        {
            Courts = courts;
            Units = units;
            ById = units.ToDictionary(u => u.Id, StringComparer.Ordinal);
            ByPhone = units
                .SelectMany(u => u.Channels.WhatsApp.Select(n => ("whatsapp:" + Digits(n), u))
                    .Concat(u.Channels.Sms.Select(n => ("sms:" + Digits(n), u))))
                .ToDictionary(p => p.Item1, p => p.u, StringComparer.Ordinal);
            Mailboxes =
            [
                .. courts.Where(c => c.Mailbox is not null && c.Email is not null)
                    .Select(c => new Mailbox(c.Id, null, c, c.Email!, c.Name, c.Mailbox!)),
                .. units.Where(u => u.Mailbox is not null && u.Channels.Email is not null)
                    .Select(u => new Mailbox(u.Id, u.Id, u.Court, u.Channels.Email!, u.Name, u.Mailbox!)),
            ];
        }

        public IReadOnlyList<Mailbox> Mailboxes { get; }

        public IReadOnlyList<Court> Courts { get; }

        public IReadOnlyList<Unit> Units { get; }

        public Dictionary<string, Unit> ById { get; }

        public Dictionary<string, Unit> ByPhone { get; }

        private static string Digits(string e164) => e164.TrimStart('+');
    }
}
