using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Channels.WhatsApp;

/// <summary>
/// An approved WhatsApp template, as each provider knows it. Its values are named: <c>unit</c> (the unit's name),
/// <c>court</c> (the court's name). Twilio's numbered variables and Meta's ordered body parameters each say which
/// value they take.
/// </summary>
public sealed class WhatsAppTemplate
{
    /// <summary>Twilio Content API template id (HX + 32 hex).</summary>
    public string? TwilioContentSid { get; set; }

    /// <summary>Twilio variable number → value name, e.g. {"1": "unit"}; none configured means the kind's values in order.
    /// (A default here would be merged with the configuration's keys by the binder instead of replaced.)</summary>
    public Dictionary<string, string> TwilioVariables { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Meta template name, e.g. "balcao_resposta_disponivel".</summary>
    public string? MetaName { get; set; }

    public string MetaLanguage { get; set; } = "pt_BR";

    /// <summary>Meta body parameters, in order, by value name; none configured means ["unit"]. (A default list here would be
    /// appended to by the configuration binder instead of replaced.)</summary>
    public List<string> MetaParameters { get; set; } = [];

    /// <summary>Meta's body parameters for a template of <paramref name="kind"/>: as configured, or the kind's values in order.</summary>
    public IReadOnlyList<string> MetaParametersOf(string kind) => MetaParameters.Count > 0 ? MetaParameters : WhatsAppOptions.ValuesOf(kind);

    /// <summary>Twilio's numbered variables for a template of <paramref name="kind"/>: as configured, or the kind's values numbered from 1.</summary>
    public IReadOnlyDictionary<string, string> TwilioVariablesOf(string kind) => TwilioVariables.Count > 0
        ? TwilioVariables
        : WhatsAppOptions.ValuesOf(kind).Select((v, i) => (Key: (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Value: v))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
}

/// <summary>
/// WhatsApp's 24-hour window (protocols.md §5). Outside it a clerk's answer waits and the citizen gets the approved
/// template <see cref="AnswerWaiting"/> ("Sua mensagem à {unidade} foi respondida. Responda esta mensagem para ver a
/// resposta."); when the citizen writes, every waiting answer goes at once, in order.
/// </summary>
public sealed class WhatsAppOptions
{
    public const string Section = "WhatsApp";

    /// <summary>The court's template for "an answer is waiting"; none: answers wait silently for the citizen.</summary>
    public WhatsAppTemplate? AnswerWaiting { get; set; }

    /// <summary>A unit's or a court's own template, by its id (the unit's first, then its court's, then the default).</summary>
    public Dictionary<string, WhatsAppTemplate> AnswerWaitingFor { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Keep-alive: this long before the window of a conversation still waiting closes, the citizen is told the unit has
    /// the message and until when it will answer (a reply opens the window again). Null: off (the default).
    /// </summary>
    public TimeSpan? KeepAliveBefore { get; set; }

    /// <summary>How often due keep-alives are looked for.</summary>
    public string KeepAliveCron { get; set; } = "* * * * *";

    /// <summary>
    /// The court's template for a new movement in a followed case ("Movimentação nova no processo {number} em {date}:
    /// {movement}"), sent when the citizen's window is closed; none: such alerts wait for no one and are not sent.
    /// </summary>
    public WhatsAppTemplate? CaseMovement { get; set; }

    /// <summary>A court's own movement template, by its id.</summary>
    public Dictionary<string, WhatsAppTemplate> CaseMovementFor { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The court's template for a video call's reminder ("Lembrete: seu atendimento por vídeo com a {unit} é {when}.
    /// {link}"), sent when the citizen's window is closed; none: such reminders are not sent on WhatsApp.
    /// </summary>
    public WhatsAppTemplate? AppointmentReminder { get; set; }

    /// <summary>A court's own reminder template, by its id.</summary>
    public Dictionary<string, WhatsAppTemplate> AppointmentReminderFor { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The court's template confirming a video call booked on the public page ("Atendimento por vídeo marcado com a
    /// {unit}: {when}."), the court writing first; none: the public page offers no WhatsApp confirmation.
    /// </summary>
    public WhatsAppTemplate? AppointmentBooked { get; set; }

    public WhatsAppTemplate? AnswerWaitingOf(string? unitId, string? courtId) =>
        (unitId is null ? null : AnswerWaitingFor.GetValueOrDefault(unitId))
        ?? (courtId is null ? null : AnswerWaitingFor.GetValueOrDefault(courtId))
        ?? AnswerWaiting;

    /// <summary>The template of a kind ("answerWaiting", "caseMovement") for a unit or court; null when none is configured.</summary>
    public WhatsAppTemplate? TemplateOf(string kind, string? unitId, string? courtId) => kind switch
    {
        "answerWaiting" => AnswerWaitingOf(unitId, courtId),
        "caseMovement" => (courtId is null ? null : CaseMovementFor.GetValueOrDefault(courtId)) ?? CaseMovement,
        "appointmentReminder" => (courtId is null ? null : AppointmentReminderFor.GetValueOrDefault(courtId)) ?? AppointmentReminder,
        "appointmentBooked" => AppointmentBooked,
        _ => null,
    };

    /// <summary>The values a template of a kind may use, in their default order.</summary>
    public static IReadOnlyList<string> ValuesOf(string kind) => kind switch
    {
        "caseMovement" => ["number", "date", "movement", "court"],
        "appointmentReminder" or "appointmentBooked" => ["unit", "when", "link", "court"],
        _ => ["unit", "court"],
    };
}

internal sealed class WhatsAppOptionsValidator : IValidateOptions<WhatsAppOptions>
{
    public ValidateOptionsResult Validate(string? name, WhatsAppOptions options)
    {
        var failures = new List<string>();
        if (options.KeepAliveBefore is { } ahead && (ahead < TimeSpan.FromMinutes(10) || ahead > TimeSpan.FromHours(20)))
        {
            failures.Add("WhatsApp:KeepAliveBefore must be between 00:10:00 and 20:00:00 before the window closes (or left out: off).");
        }

        if (!Sla.SlaOptionsValidator.LooksLikeCron(options.KeepAliveCron))
        {
            failures.Add($"WhatsApp:KeepAliveCron '{options.KeepAliveCron}' is not a cron expression such as '* * * * *'.");
        }

        var templates = options.AnswerWaitingFor.Select(p => ($"WhatsApp:AnswerWaitingFor:{p.Key}", (WhatsAppTemplate?)p.Value, "answerWaiting"))
            .Prepend(("WhatsApp:AnswerWaiting", options.AnswerWaiting, "answerWaiting"))
            .Concat(options.CaseMovementFor.Select(p => ($"WhatsApp:CaseMovementFor:{p.Key}", (WhatsAppTemplate?)p.Value, "caseMovement")))
            .Append(("WhatsApp:CaseMovement", options.CaseMovement, "caseMovement"))
            .Concat(options.AppointmentReminderFor.Select(p => ($"WhatsApp:AppointmentReminderFor:{p.Key}", (WhatsAppTemplate?)p.Value, "appointmentReminder")))
            .Append(("WhatsApp:AppointmentReminder", options.AppointmentReminder, "appointmentReminder"))
            .Append(("WhatsApp:AppointmentBooked", options.AppointmentBooked, "appointmentBooked"));
        foreach (var (key, template, kind) in templates)
        {
            if (template is null)
            {
                continue;
            }

            if (template.TwilioContentSid is null && template.MetaName is null)
            {
                failures.Add($"{key} needs TwilioContentSid (HX…) or MetaName, or both.");
            }

            if (template.TwilioContentSid is { } sid && !(sid.Length == 34 && sid.StartsWith("HX", StringComparison.Ordinal) && sid[2..].All(char.IsAsciiHexDigit)))
            {
                failures.Add($"{key}:TwilioContentSid '{sid}' is not a Twilio Content SID (HX followed by 32 hex digits).");
            }

            var values = WhatsAppOptions.ValuesOf(kind);
            foreach (var value in template.TwilioVariables.Values.Concat(template.MetaParameters).Where(v => !values.Contains(v)))
            {
                failures.Add($"{key}: '{value}' is not a template value; use {string.Join(", ", values.Select(v => $"'{v}'"))}.");
            }

            if (template.TwilioVariables.Keys.Any(k => !int.TryParse(k, out var n) || n < 1))
            {
                failures.Add($"{key}:TwilioVariables are numbered from 1, e.g. {{\"1\": \"unit\"}}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
