namespace BalcaoVirtual.Web.Features.Units;

/// <summary>The court units this service answers for, loaded once at start-up.</summary>
public sealed class UnitCatalog
{
    private readonly Dictionary<string, Unit> byId;

    public UnitCatalog(IReadOnlyList<Court> courts, IReadOnlyList<Unit> units)
    {
        Courts = courts;
        Units = units;
        byId = units.ToDictionary(u => u.Id, StringComparer.Ordinal);
        byPhone = units
            .SelectMany(u => u.Channels.WhatsApp.Select(n => ("whatsapp:" + Digits(n), u))
                .Concat(u.Channels.Sms.Select(n => ("sms:" + Digits(n), u))))
            .ToDictionary(p => p.Item1, p => p.u, StringComparer.Ordinal);
    }

    private readonly Dictionary<string, Unit> byPhone;

    /// <summary>The unit whose WhatsApp (or SMS) number this is, by its digits; null for the court's central numbers.</summary>
    public Unit? FindByPhone(bool whatsApp, string e164Digits) =>
        byPhone.GetValueOrDefault((whatsApp ? "whatsapp:" : "sms:") + e164Digits);

    private static string Digits(string e164) => e164.TrimStart('+');

    public IReadOnlyList<Court> Courts { get; }

    public IReadOnlyList<Unit> Units { get; }

    public Unit? Find(string id) => byId.GetValueOrDefault(id);

    public bool Contains(string id) => byId.ContainsKey(id);
}
