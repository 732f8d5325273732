using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace BalcaoVirtual.Web.Features.Units;

/// <summary>A catalogue that cannot be used; the message names the file, the unit and the field.</summary>
public sealed class UnitCatalogException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Each problem found, with the unit and field it is about (none for a file that does not parse).</summary>
    public IReadOnlyList<CatalogProblem> Problems { get; init; } = [];
}

/// <summary>One problem of a catalogue: the unit (its id, or "#n" without one; null for a court or the file), the field, and the text.</summary>
public sealed record CatalogProblem(string? Unit, string? Field, string Text);

/// <summary>Reads and validates a units catalogue. Every problem found is reported at once.</summary>
internal static partial class UnitCatalogLoader
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = false,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static UnitCatalog LoadFile(string path) => Parse(ReadFile(path), path);

    /// <summary>The file as written, checked (a bad file throws), for laying admins' changes over it.</summary>
    internal static UnitCatalogFile LoadDocument(string path)
    {
        var json = ReadFile(path);
        var document = ParseDocument(json, path);
        Build(document, path);
        return new UnitCatalogFile(path, document);
    }

    internal static CatalogDocument Clone(CatalogDocument document) =>
        JsonSerializer.Deserialize<CatalogDocument>(JsonSerializer.Serialize(document, JsonOptions), JsonOptions)!;

    private static string ReadFile(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UnitCatalogException($"Units catalogue '{path}' cannot be read: {ex.Message} (setting Units:Catalog).", ex);
        }

        return json;
    }

    public static UnitCatalog Parse(string json, string fileName) => Build(ParseDocument(json, fileName), fileName);

    /// <summary>The catalogue as written, not yet checked.</summary>
    internal static CatalogDocument ParseDocument(string json, string fileName)
    {
        CatalogDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<CatalogDocument>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new UnitCatalogException($"Units catalogue '{fileName}': {DescribeJsonError(json, ex)}", ex);
        }

        if (document is null)
        {
            throw new UnitCatalogException($"Units catalogue '{fileName}': the file is empty.");
        }

        if (NullEntry(json) is { } path)
        {
            // "units": [null] (a stray comma's leftover): refused here, so no check has to expect a missing entry.
            throw new UnitCatalogException($"Units catalogue '{fileName}': {DescribePath(json, path)}: an entry of the list is empty (null).");
        }

        return document;
    }

    /// <summary>Checks a catalogue document and builds the catalogue, or throws with every problem found.</summary>
    internal static UnitCatalog Build(CatalogDocument document, string fileName)
    {
        var errors = new List<CatalogProblem>();
        var courts = ReadCourts(document, errors);
        var units = new List<Unit>();
        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        var origins = new Dictionary<(string Court, string Origin), string>();
        var addresses = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var court in courts.Values.Where(c => c.Email is not null))
        {
            addresses["email:" + court.Email!.ToLowerInvariant()] = "court " + court.Id;
        }


        if (document.Units is not { Count: > 0 })
        {
            errors.Add(new(null, "units", "field 'units': at least one unit is required."));
        }

        foreach (var (u, index) in (document.Units ?? []).Select((u, i) => (u, i)))
        {
            var label = string.IsNullOrWhiteSpace(u.Id) ? $"#{index + 1}" : u.Id;
            var unitErrors = new UnitErrors(label, errors);
            if (string.IsNullOrWhiteSpace(u.Id) || !IdPattern().IsMatch(u.Id))
            {
                unitErrors.Add("id", "is required: lowercase letters, digits and hyphens (e.g. 'trt8-vt-macapa-7').");
            }
            else if (!seenIds.Add(u.Id))
            {
                unitErrors.Add("id", "is used by another unit of this catalogue: ids must be unique.");
            }

            var unit = ReadUnit(u, courts, unitErrors);
            if (unit is null)
            {
                continue;
            }

            foreach (var origin in unit.OriginCodes)
            {
                if (origins.TryGetValue((unit.Court.Id, origin), out var owner))
                {
                    unitErrors.Add("originCodes", $"origin code '{origin}' of court {unit.Court.Id} is already claimed by unit '{owner}'.");
                }
                else
                {
                    origins[(unit.Court.Id, origin)] = unit.Id;
                }
            }

            foreach (var address in unit.Channels.WhatsApp.Select(a => ("channels.whatsApp", "whatsapp:" + a))
                         .Concat(unit.Channels.Sms.Select(a => ("channels.sms", "sms:" + a)))
                         .Concat(unit.Channels.Email is null ? [] : [("channels.email", "email:" + unit.Channels.Email.ToLowerInvariant())]))
            {
                if (addresses.TryGetValue(address.Item2, out var owner))
                {
                    unitErrors.Add(address.Item1, $"address '{address.Item2[(address.Item2.IndexOf(':', StringComparison.Ordinal) + 1)..]}' is already a channel of unit '{owner}': messages could not be routed.");
                }
                else
                {
                    addresses[address.Item2] = unit.Id;
                }
            }

            units.Add(unit);
        }

        if (errors.Count > 0)
        {
            throw new UnitCatalogException(
                $"Units catalogue '{fileName}' has {errors.Count} problem(s):" + Environment.NewLine +
                string.Join(Environment.NewLine, errors.Select(e => "  - " + e.Text)))
            {
                Problems = errors,
            };
        }

        return new UnitCatalog(courts.Values.ToList(), units);
    }

    private static Dictionary<string, Court> ReadCourts(CatalogDocument document, List<CatalogProblem> errors)
    {
        var courts = new Dictionary<string, Court>(StringComparer.Ordinal);
        if (document.Courts is not { Count: > 0 })
        {
            errors.Add(new(null, "courts", "field 'courts': at least one court is required."));
            return courts;
        }

        foreach (var (c, index) in document.Courts.Select((c, i) => (c, i)))
        {
            var label = string.IsNullOrWhiteSpace(c.Id) ? $"#{index + 1}" : c.Id;
            void Fail(string field, string problem) => errors.Add(new(null, "courts." + field, $"court '{label}' field '{field}': {problem}"));
            if (string.IsNullOrWhiteSpace(c.Id))
            {
                Fail("id", "is required (e.g. 'TRT8').");
                continue;
            }

            if (courts.ContainsKey(c.Id))
            {
                Fail("id", "is declared twice.");
            }

            if (string.IsNullOrWhiteSpace(c.Name))
            {
                Fail("name", "is required.");
            }

            if (c.CnjCode is null || !CnjCourtPattern().IsMatch(c.CnjCode))
            {
                Fail("cnjCode", "must be the J.TR part of CNJ numbers, e.g. '5.08' for TRT8 or '6.14' for TRE-PA.");
            }

            var zone = c.TimeZone ?? "America/Belem";
            if (FindTimeZone(zone) is null)
            {
                Fail("timeZone", $"'{zone}' is not a known IANA time zone (e.g. 'America/Belem').");
            }

            var escalation = c.Escalation is null ? null : ReadContact(c.Escalation, "escalation", Fail);
            if (c.Email is not null && !IsEmail(c.Email))
            {
                Fail("email", $"'{c.Email}' is not an e-mail address.");
            }

            if (c.WhatsApp is not null && !E164Pattern().IsMatch(c.WhatsApp))
            {
                Fail("whatsApp", $"'{c.WhatsApp}' is not a number in E.164 form (e.g. '+559140000000').");
            }

            var mailbox = ReadMailbox(c.Mailbox, c.Email, "the court's 'email'", Fail);
            courts[c.Id] = new Court(c.Id, c.Name ?? c.Id, c.CnjCode ?? "", c.DataJudIndex, zone)
            {
                Escalation = escalation,
                Email = c.Email,
                Mailbox = mailbox,
                WhatsApp = c.WhatsApp,
            };
        }

        return courts;
    }

    private static Unit? ReadUnit(UnitDocument u, Dictionary<string, Court> courts, UnitErrors errors)
    {
        Court? court = null;
        if (string.IsNullOrWhiteSpace(u.Court))
        {
            errors.Add("court", $"is required: one of {string.Join(", ", courts.Keys)}.");
        }
        else if (!courts.TryGetValue(u.Court, out court))
        {
            errors.Add("court", $"'{u.Court}' is not declared under 'courts'.");
        }

        Require(u.Name, "name", errors);
        Require(u.City, "city", errors);
        if (u.State is null || !StatePattern().IsMatch(u.State))
        {
            errors.Add("state", "must be the two-letter state (UF), e.g. 'PA' or 'AP'.");
        }

        if (u.IbgeCode is null || !IbgePattern().IsMatch(u.IbgeCode))
        {
            errors.Add("ibgeCode", "must be the 7-digit IBGE municipality code of the unit's city.");
        }

        if (u.ForaDaSede is null)
        {
            errors.Add("foraDaSede", "is required: true for units outside the court's seat.");
        }

        var originCodes = u.OriginCodes ?? [];
        foreach (var code in originCodes.Where(c => c is null || !OriginPattern().IsMatch(c)))
        {
            errors.Add("originCodes", $"'{code}' is not a 4-digit CNJ origin code (OOOO), e.g. '0210'.");
        }

        var municipalities = new List<Municipality>();
        foreach (var m in u.Municipalities ?? [])
        {
            if (string.IsNullOrWhiteSpace(m.Name) || m.IbgeCode is null || !IbgePattern().IsMatch(m.IbgeCode))
            {
                errors.Add("municipalities", $"'{m.Name}' needs a name and a 7-digit IBGE code.");
                continue;
            }

            municipalities.Add(new Municipality(m.Name, m.IbgeCode));
        }

        if (municipalities.Count == 0 && u.City is not null && u.IbgeCode is not null)
        {
            municipalities.Add(new Municipality(u.City, u.IbgeCode));
        }

        var channels = ReadChannels(u.Channels, errors);

        Uri? video = null;
        if (u.VideoDeskUrl is not null)
        {
            if (!Uri.TryCreate(u.VideoDeskUrl, UriKind.Absolute, out video) || video.Scheme != Uri.UriSchemeHttps)
            {
                errors.Add("videoDeskUrl", $"'{u.VideoDeskUrl}' must be an absolute https:// link (e.g. https://meet.google.com/abc-defg-hij).");
                video = null;
            }
        }

        var beforeHours = errors.Count;
        var hours = ReadServiceHours(u.ServiceHours, errors);
        // A wrong video-desk link has its own error: the appointments that would use it are not blamed too.
        var appointments = ReadAppointments(u.Appointments, errors.Count == beforeHours ? hours : null, video, u.VideoDeskUrl is not null, errors);

        var zoneId = u.TimeZone ?? court?.TimeZone ?? "America/Belem";
        var zone = FindTimeZone(zoneId);
        if (zone is null)
        {
            errors.Add("timeZone", $"'{zoneId}' is not a known IANA time zone (e.g. 'America/Belem').");
        }

        var sla = ReadSla(u.Sla, u.ForaDaSede == true, errors);
        var managers = ReadManagers(u.Managers, errors);

        if (errors.Count > 0 || court is null || zone is null || sla is null)
        {
            return null;
        }

        var mailbox = ReadMailbox(u.Mailbox, channels.Email, "'channels.email'", errors.Add);
        if (errors.Count > 0)
        {
            return null;
        }

        return new Unit(
            u.Id!, court, u.Name!, u.City!, u.State!, u.IbgeCode!, u.ForaDaSede!.Value, originCodes, municipalities,
            channels, video, hours, zone, sla, managers)
        {
            Mailbox = mailbox,
            Appointments = appointments,
        };
    }

    private static UnitMailbox? ReadMailbox(MailboxDocument? m, string? address, string addressField, Action<string, string> fail)
    {
        if (m is null)
        {
            return null;
        }

        if (address is null)
        {
            fail("mailbox", $"needs the mailbox's address in {addressField}.");
        }

        var imap = ReadMailServer(m.Imap, "mailbox.imap", fail, required: true);
        var smtp = ReadMailServer(m.Smtp, "mailbox.smtp", fail, required: false);
        if (m.Folder is not null && string.IsNullOrWhiteSpace(m.Folder))
        {
            fail("mailbox.folder", "must name a folder (default 'INBOX').");
        }

        if (m.ProcessedFolder is not null && (string.IsNullOrWhiteSpace(m.ProcessedFolder) || m.ProcessedFolder == (m.Folder ?? "INBOX")))
        {
            fail("mailbox.processedFolder", "must name a folder other than the one read, or be left out.");
        }

        return imap is null ? null : new UnitMailbox(imap, smtp, m.Folder ?? "INBOX", m.ProcessedFolder) { PlusAddressing = m.PlusAddressing ?? false };
    }

    private static MailServer? ReadMailServer(MailServerDocument? s, string field, Action<string, string> fail, bool required)
    {
        if (s is null)
        {
            if (required)
            {
                fail(field, "is required: {\"host\": \"imap.trt8.jus.br\", \"port\": 993, \"security\": \"ssl\", \"user\": \"…\"}.");
            }

            return null;
        }

        var ok = true;
        void Fail(string name, string problem)
        {
            fail($"{field}.{name}", problem);
            ok = false;
        }

        if (string.IsNullOrWhiteSpace(s.Host))
        {
            Fail("host", "is required.");
        }

        if (s.Port is not (>= 1 and <= 65535))
        {
            Fail("port", "must be a TCP port (1 to 65535).");
        }

        MailSecurity security = default;
        switch (s.Security)
        {
            case "ssl":
                security = MailSecurity.Ssl;
                break;
            case "starttls":
                security = MailSecurity.StartTls;
                break;
            case "none":
                security = MailSecurity.None;
                break;
            default:
                Fail("security", $"'{s.Security}' must be 'ssl', 'starttls' or 'none'.");
                break;
        }

        if (string.IsNullOrWhiteSpace(s.User))
        {
            Fail("user", "is required (the mailbox's login).");
        }

        return ok ? new MailServer(s.Host!, s.Port!.Value, security, s.User!) : null;
    }

    private static UnitChannels ReadChannels(ChannelsDocument? c, UnitErrors errors)
    {
        var whatsapp = new List<string>();
        var sms = new List<string>();
        foreach (var (list, field, target) in new[] { (c?.WhatsApp, "channels.whatsApp", whatsapp), (c?.Sms, "channels.sms", sms) })
        {
            foreach (var number in list ?? [])
            {
                if (number is null || !E164Pattern().IsMatch(number))
                {
                    errors.Add(field, $"'{number}' is not an E.164 phone number (e.g. '+5591981234567').");
                }
                else
                {
                    target.Add(number);
                }
            }
        }

        string? email = null;
        if (c?.Email is not null)
        {
            if (IsEmail(c.Email))
            {
                email = c.Email;
            }
            else
            {
                errors.Add("channels.email", $"'{c.Email}' is not an e-mail address.");
            }
        }

        return new UnitChannels(whatsapp, sms, email);
    }

    private static List<ServicePeriod> ReadServiceHours(List<ServicePeriodDocument>? periods, UnitErrors errors)
    {
        var result = new List<ServicePeriod>();
        if (periods is not { Count: > 0 })
        {
            errors.Add("serviceHours", "at least one period is required, e.g. {\"days\": \"mon-fri\", \"from\": \"08:00\", \"to\": \"13:00\"}.");
            return result;
        }

        foreach (var p in periods)
        {
            var days = ParseDays(p.Days);
            var ok = true;
            if (days is null)
            {
                errors.Add("serviceHours.days", $"'{p.Days}' is not a list of days such as 'mon-fri' or 'mon,wed,fri'.");
                ok = false;
            }

            if (!TryParseClock(p.From, out var from) || !TryParseClock(p.To, out var to))
            {
                errors.Add("serviceHours", $"'{p.From}'–'{p.To}' must be two times as HH:mm, e.g. '08:00' and '13:00'.");
                continue;
            }

            if (from >= to)
            {
                errors.Add("serviceHours", $"'{p.From}'–'{p.To}': the opening time must come before the closing time.");
                ok = false;
            }

            if (ok)
            {
                result.Add(new ServicePeriod(days!, from, to));
            }
        }

        return result;
    }

    /// <param name="serviceHours">The unit's service hours; null when they are wrong (their own error says so: nothing is compared with them).</param>
    /// <param name="videoDeskWritten">Whether the unit has a video-desk link, right or wrong (a wrong one has its own error).</param>
    private static AppointmentPolicy? ReadAppointments(AppointmentsDocument? a, List<ServicePeriod>? serviceHours, Uri? videoDesk, bool videoDeskWritten, UnitErrors errors)
    {
        if (a is null)
        {
            return null;
        }

        var before = errors.Count;
        if (a.SlotMinutes is not { } minutes || minutes < 10 || minutes > AppointmentPolicy.LongestSlot.TotalMinutes)
        {
            errors.Add("appointments.slotMinutes", $"'{a.SlotMinutes}' must be the length of a slot in minutes, from 10 to {AppointmentPolicy.LongestSlot.TotalMinutes} (e.g. 20).");
        }

        if (a.PlacesPerSlot is not null and not (>= 1 and <= 50))
        {
            errors.Add("appointments.placesPerSlot", $"'{a.PlacesPerSlot}' must be how many citizens one slot takes, from 1 to 50.");
        }

        if (a.DaysAhead is not null and not (>= 1 and <= 90))
        {
            errors.Add("appointments.daysAhead", $"'{a.DaysAhead}' must be how many days ahead slots are offered, from 1 to 90.");
        }

        if (a.PerContact is not null and not (>= 1 and <= 10))
        {
            errors.Add("appointments.perContact", $"'{a.PerContact}' must be how many future appointments one citizen may hold, from 1 to 10.");
        }

        var notice = TimeSpan.FromHours(2);
        if (a.MinimumNotice is not null && (!TryParseDuration(a.MinimumNotice, out notice) || notice < TimeSpan.Zero || notice > TimeSpan.FromDays(30)))
        {
            errors.Add("appointments.minimumNotice", $"'{a.MinimumNotice}' must be a duration from '00:00' to '720:00' (e.g. '02:00:00': booked at least two hours before).");
        }

        Uri? join = null;
        if (a.MeetUrl is not null && (!Uri.TryCreate(a.MeetUrl, UriKind.Absolute, out join) || join.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add("appointments.meetUrl", $"'{a.MeetUrl}' must be an absolute https:// link (e.g. https://meet.google.com/abc-defg-hij).");
            join = null;
        }

        var perAppointment = a.LinkPerAppointment ?? false;
        if (perAppointment && a.MeetUrl is not null)
        {
            errors.Add("appointments.meetUrl", "give either 'meetUrl' (one room for every appointment) or 'linkPerAppointment': true (a clerk pastes each link), not both.");
        }
        else if (!perAppointment && a.MeetUrl is null)
        {
            join = videoDesk;
            if (!videoDeskWritten)
            {
                errors.Add("appointments.meetUrl", "is required (or the unit's 'videoDeskUrl', or 'linkPerAppointment': true): citizens must know where to join.");
            }
        }

        var own = a.Hours is not null;
        var hours = serviceHours ?? [];
        if (own)
        {
            var inner = new List<CatalogProblem>();
            hours = ReadServiceHours(a.Hours, new UnitErrors(errors.Unit, inner));
            foreach (var problem in inner)
            {
                errors.Add("appointments." + problem.Field!.Replace("serviceHours", "hours", StringComparison.Ordinal), problem.Text[(problem.Text.IndexOf("': ", StringComparison.Ordinal) + 3)..]);
            }

            if (inner.Count == 0 && serviceHours is not null && a.OutsideServiceHours != true && hours.FirstOrDefault(p => !Inside(p, serviceHours)) is { } outside)
            {
                errors.Add("appointments.hours", $"{Clock(outside.From)}–{Clock(outside.To)} lies outside the unit's service hours on some of its days; set 'outsideServiceHours': true if that is meant.");
            }
        }

        if (errors.Count == before && notice >= TimeSpan.FromDays(a.DaysAhead ?? 14))
        {
            errors.Add("appointments.minimumNotice", $"'{a.MinimumNotice}' is as long as the {a.DaysAhead ?? 14} days ahead slots are offered: no slot could ever be booked.");
        }

        var slot = TimeSpan.FromMinutes(a.SlotMinutes ?? 0);
        if (slot > TimeSpan.Zero && hours.Count > 0 && hours.All(p => p.To - p.From < slot))
        {
            errors.Add("appointments.slotMinutes", $"a slot of {a.SlotMinutes} minutes fits in none of the hours it would be offered in.");
        }

        if (errors.Count > before)
        {
            return null;
        }

        return new AppointmentPolicy(slot, a.PlacesPerSlot ?? 1, hours, a.DaysAhead ?? 14, notice, perAppointment ? null : join, a.PerContact ?? 1)
        {
            OwnHours = own,
        };

    }

    /// <summary>Whether every day of the period is covered, from its start to its end, by one service period of that day.</summary>
    internal static bool Inside(ServicePeriod period, IReadOnlyList<ServicePeriod> service) =>
        period.Days.All(day => service.Any(s => s.Days.Contains(day) && s.From <= period.From && period.To <= s.To));

    private static SlaPolicy? ReadSla(SlaDocument? s, bool foraDaSede, UnitErrors errors)
    {
        if (s is null)
        {
            errors.Add("sla", foraDaSede
                ? "is required, e.g. {\"responseWindow\": \"48:00:00\", \"counting\": \"calendar\"}."
                : "is required, e.g. {\"responseWindow\": \"24:00:00\", \"counting\": \"serviceHours\"}.");
            return null;
        }

        if (s.ResponseWindow == "none")
        {
            if (s.WarnBefore is { Count: > 0 } || s.EscalateAfter is not null)
            {
                errors.Add("sla", "a unit without a response window ('none') cannot have warnBefore or escalateAfter.");
                return null;
            }

            return SlaPolicy.None;
        }

        if (!TryParseDuration(s.ResponseWindow, out var window) || window <= TimeSpan.Zero)
        {
            errors.Add("sla.responseWindow", $"'{s.ResponseWindow}' must be a positive duration such as '48:00:00' or '2.00:00:00', or 'none' for no deadline.");
            return null;
        }

        SlaCounting counting;
        switch (s.Counting)
        {
            case null or "calendar":
                counting = SlaCounting.Calendar;
                break;
            case "serviceHours":
                counting = SlaCounting.ServiceHours;
                break;
            default:
                errors.Add("sla.counting", $"'{s.Counting}' must be 'calendar' or 'serviceHours'.");
                return null;
        }

        var warnings = new List<TimeSpan>();
        foreach (var w in s.WarnBefore ?? ["12:00:00", "02:00:00"])
        {
            if (!TryParseDuration(w, out var before) || before <= TimeSpan.Zero || before >= window)
            {
                errors.Add("sla.warnBefore", $"'{w}' must be a positive duration shorter than the response window.");
                return null;
            }

            warnings.Add(before);
        }

        TimeSpan? escalate = null;
        if (s.EscalateAfter is not null)
        {
            if (!TryParseDuration(s.EscalateAfter, out var after) || after <= TimeSpan.Zero)
            {
                errors.Add("sla.escalateAfter", $"'{s.EscalateAfter}' must be a positive duration after the deadline, e.g. '24:00:00'.");
                return null;
            }

            escalate = after;
        }

        return new SlaPolicy(window, counting, warnings.OrderDescending().ToList(), escalate);
    }

    private static List<UnitManager> ReadManagers(List<ManagerDocument>? managers, UnitErrors errors)
    {
        var result = new List<UnitManager>();
        foreach (var m in managers ?? [])
        {
            if (ReadContact(m, "managers", errors.Add) is { } manager)
            {
                result.Add(manager);
            }
        }

        return result;
    }

    /// <summary>A person who receives alerts: a name, and an e-mail or an E.164 phone (or both).</summary>
    private static UnitManager? ReadContact(ManagerDocument m, string field, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(m.Name))
        {
            fail($"{field}.name", "is required for every contact that receives alerts.");
            return null;
        }

        if (m.Email is null && m.Phone is null)
        {
            fail(field, $"'{m.Name}' needs an e-mail or a phone to receive alerts.");
            return null;
        }

        if (m.Email is not null && !IsEmail(m.Email))
        {
            fail($"{field}.email", $"'{m.Email}' of '{m.Name}' is not an e-mail address.");
            return null;
        }

        if (m.Phone is not null && !E164Pattern().IsMatch(m.Phone))
        {
            fail($"{field}.phone", $"the phone of '{m.Name}' is not in E.164 form (e.g. '+5591981234567').");
            return null;
        }

        return new UnitManager(m.Name, m.Email, m.Phone);
    }

    /// <summary>Accepts TimeSpan's invariant forms and also hours past 23, as in "48:00:00".</summary>
    internal static bool TryParseDuration(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var m = LongHoursPattern().Match(text);
        if (m.Success)
        {
            var hours = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var minutes = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            var seconds = m.Groups[3].Success ? int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
            value = new TimeSpan(hours, minutes, seconds);
            return true;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
    }

    private static string Clock(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static bool TryParseClock(string? text, out TimeOnly value)
    {
        value = default;
        return text is not null && ClockPattern().IsMatch(text) &&
               TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    /// <summary>The catalogue's names of the days of the week, indexed by <see cref="DayOfWeek"/>.</summary>
    internal static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    internal static HashSet<DayOfWeek>? ParseDays(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var days = new HashSet<DayOfWeek>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-', StringSplitOptions.TrimEntries);
            var indices = range.Select(r => Array.IndexOf(DayNames, r.ToLowerInvariant())).ToArray();
            if (indices.Length is < 1 or > 2 || indices.Any(i => i < 0))
            {
                return null;
            }

            var start = indices[0];
            var end = indices[^1];
            for (var d = start; ; d = (d + 1) % 7)
            {
                days.Add((DayOfWeek)d);
                if (d == end)
                {
                    break;
                }
            }
        }

        return days;
    }

    private static TimeZoneInfo? FindTimeZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }

    private static bool IsEmail(string text) =>
        MailAddress.TryCreate(text, out var address) && address.Address == text && text.Contains('.', StringComparison.Ordinal);

    private static void Require(string? value, string field, UnitErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "is required.");
        }
    }

    private static string DescribeJsonError(string json, JsonException ex)
    {
        var problem = ex.Message.Contains("could not be mapped", StringComparison.Ordinal)
            ? "unknown field (check its spelling against docs/units-catalogue.md)"
            : ex.Message.Split(" Path:", 2)[0];
        return $"{DescribePath(json, ex.Path ?? "$")}: {problem}";
    }

    /// <summary>The path of the first null inside a list ("$.units[2].managers[0]"), if any.</summary>
    private static string? NullEntry(string json)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return Find(doc.RootElement, "$");

        static string? Find(JsonElement element, string path)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        if (Find(property.Value, $"{path}.{property.Name}") is { } found)
                        {
                            return found;
                        }
                    }

                    break;
                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        var itemPath = $"{path}[{index++.ToString(CultureInfo.InvariantCulture)}]";
                        if (item.ValueKind == JsonValueKind.Null)
                        {
                            return itemPath;
                        }

                        if (Find(item, itemPath) is { } found)
                        {
                            return found;
                        }
                    }

                    break;
            }

            return null;
        }
    }

    private static string DescribePath(string json, string path)
    {
        // Turn "$.units[3].videoDeskUlr" into "unit 'trt8-…' field 'videoDeskUlr'".
        var m = UnitPathPattern().Match(path);
        var where = $"at {path}";
        if (m.Success)
        {
            var index = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var field = m.Groups[2].Value.TrimStart('.');
            where = $"unit '{UnitIdAt(json, index) ?? "#" + (index + 1).ToString(CultureInfo.InvariantCulture)}'" +
                    (field.Length > 0 ? $" field '{field}'" : "");
        }

        return where;
    }

    private static string? UnitIdAt(string json, int index)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("units", out var units) && units.ValueKind == JsonValueKind.Array &&
                index < units.GetArrayLength() && units[index].ValueKind == JsonValueKind.Object &&
                units[index].TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                return id.GetString();
            }
        }
        catch (JsonException)
        {
            // The file does not parse at all: the position in the original message says where.
        }

        return null;
    }

    private sealed class UnitErrors(string unit, List<CatalogProblem> sink)
    {
        public string Unit => unit;

        public int Count { get; private set; }

        public void Add(string field, string problem)
        {
            Count++;
            sink.Add(new(unit, field, $"unit '{unit}' field '{field}': {problem}"));
        }
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[1-9]\.[0-9]{2}$")]
    private static partial Regex CnjCourtPattern();

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex StatePattern();

    [GeneratedRegex("^[0-9]{7}$")]
    private static partial Regex IbgePattern();

    [GeneratedRegex("^[0-9]{4}$")]
    private static partial Regex OriginPattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{7,14}$")]
    private static partial Regex E164Pattern();

    [GeneratedRegex("^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    private static partial Regex ClockPattern();

    [GeneratedRegex("^([0-9]{1,6}):([0-5][0-9])(?::([0-5][0-9]))?$")] // at most 999,999 h: more would overflow
    private static partial Regex LongHoursPattern();

    [GeneratedRegex(@"^\$\.units\[(\d+)\](.*)$")]
    private static partial Regex UnitPathPattern();
}
