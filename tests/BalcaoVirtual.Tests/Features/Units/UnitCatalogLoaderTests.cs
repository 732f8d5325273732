using System.Text.Json.Nodes;
using BalcaoVirtual.Web.Features.Units;

namespace BalcaoVirtual.Tests.Features.Units;

public sealed class UnitCatalogLoaderTests
{
    private const string FileName = "units-under-test.json";

    [TestCase("trt8.sample.json", "TRT8")]
    [TestCase("tre-pa.sample.json", "TRE-PA")]
    public void LoadFile_LoadsShippedSample(string file, string court)
    {
        var catalog = UnitCatalogLoader.LoadFile(RepoPaths.File("deploy", "units", file));

        Assert.That(catalog.Units, Is.Not.Empty);
        Assert.That(catalog.Units.Select(u => u.Court.Id), Is.All.EqualTo(court));
    }

    [Test]
    public void LoadFile_Trt8SampleHasMacapaAndParauapebasWithTheirOriginCodes()
    {
        var catalog = UnitCatalogLoader.LoadFile(RepoPaths.File("deploy", "units", "trt8.sample.json"));

        var macapa = catalog.Units.Single(u => u.OriginCodes.Contains("0210"));
        var parauapebas = catalog.Units.Single(u => u.OriginCodes.Contains("0131"));
        Assert.Multiple(() =>
        {
            Assert.That(macapa.Name, Does.Contain("7ª Vara do Trabalho de Macapá"));
            Assert.That(macapa.ForaDaSede, Is.True);
            Assert.That(macapa.Sla.ResponseWindow, Is.EqualTo(TimeSpan.FromHours(48)));
            Assert.That(parauapebas.Name, Does.Contain("Parauapebas"));
            Assert.That(catalog.Units.Count(u => !u.ForaDaSede && u.City == "Belém"), Is.GreaterThanOrEqualTo(2));
            Assert.That(catalog.Units.Select(u => u.City), Is.SupersetOf(new[] { "Marabá", "Santarém", "Ananindeua" }));
        });
    }

    [Test]
    public void Parse_ReadsHoursWindowAndZone()
    {
        var unit = UnitCatalogLoader.Parse(Valid().ToJsonString(), FileName).Units.Single();

        Assert.Multiple(() =>
        {
            Assert.That(unit.ServiceHours.Single().Days, Is.EquivalentTo(new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }));
            Assert.That(unit.ServiceHours.Single().From, Is.EqualTo(new TimeOnly(8, 0)));
            Assert.That(unit.TimeZone.Id, Is.EqualTo("America/Belem"));
            Assert.That(unit.Sla.Counting, Is.EqualTo(SlaCounting.Calendar));
        });
    }

    [Test]
    public void Parse_Refuses_DuplicateId()
    {
        var doc = Valid();
        var second = Unit("unit-a", "0002");
        second["channels"] = new JsonObject();
        doc["units"]!.AsArray().Add(second);

        AssertRefused(doc, "unit 'unit-a'", "'id'", "unique");
    }

    [Test]
    public void Parse_Refuses_OriginCodeClaimedByTwoUnitsOfOneCourt()
    {
        var doc = Valid();
        var second = Unit("unit-b", "0001");
        second["channels"] = new JsonObject();
        doc["units"]!.AsArray().Add(second);

        AssertRefused(doc, "unit 'unit-b'", "'originCodes'", "'0001'", "unit-a");
    }

    [Test]
    public void Parse_Accepts_SameOriginCodeInTwoCourts()
    {
        var doc = Valid();
        doc["courts"]!.AsArray().Add(new JsonObject { ["id"] = "TRE-PA", ["name"] = "TRE do Pará", ["cnjCode"] = "6.14" });
        var second = Unit("unit-b", "0001");
        second["court"] = "TRE-PA";
        second["channels"] = new JsonObject();
        doc["units"]!.AsArray().Add(second);

        Assert.That(UnitCatalogLoader.Parse(doc.ToJsonString(), FileName).Units, Has.Count.EqualTo(2));
    }

    [Test]
    public void Parse_Refuses_UnknownTimeZone()
    {
        var doc = Valid();
        doc["units"]![0]!["timeZone"] = "America/Atlantis";

        AssertRefused(doc, "unit 'unit-a'", "'timeZone'", "America/Atlantis");
    }

    [TestCase("8:00", "13:00")]
    [TestCase("08:00", "25:00")]
    [TestCase("13:00", "08:00")]
    [TestCase("08h", "13h")]
    public void Parse_Refuses_MalformedHours(string from, string to)
    {
        var doc = Valid();
        doc["units"]![0]!["serviceHours"]![0]!["from"] = from;
        doc["units"]![0]!["serviceHours"]![0]!["to"] = to;

        AssertRefused(doc, "unit 'unit-a'", "'serviceHours'");
    }

    [Test]
    public void Parse_Refuses_MalformedDays()
    {
        var doc = Valid();
        doc["units"]![0]!["serviceHours"]![0]!["days"] = "segunda-sexta";

        AssertRefused(doc, "unit 'unit-a'", "'serviceHours.days'", "segunda-sexta");
    }

    [Test]
    public void Parse_ReadsAMailbox_WithInboxAsTheDefaultFolder()
    {
        var doc = Valid();
        doc["units"]![0]!["channels"]!["email"] = "vt7macapa@trt8.jus.br";
        doc["units"]![0]!["mailbox"] = new JsonObject
        {
            ["imap"] = new JsonObject { ["host"] = "imap.trt8.jus.br", ["port"] = 993, ["security"] = "ssl", ["user"] = "vt7macapa" },
        };

        var mailbox = UnitCatalogLoader.Parse(doc.ToJsonString(), FileName).Units[0].Mailbox;

        Assert.That(mailbox, Is.EqualTo(new UnitMailbox(new MailServer("imap.trt8.jus.br", 993, MailSecurity.Ssl, "vt7macapa"), null, "INBOX", null)));
    }

    [Test]
    public void Parse_Refuses_AMailboxWithoutAddressOrWithBadServerFields()
    {
        var doc = Valid();
        doc["units"]![0]!["mailbox"] = new JsonObject
        {
            ["imap"] = new JsonObject { ["host"] = "imap.trt8.jus.br", ["port"] = 0, ["security"] = "tls" },
            ["processedFolder"] = "INBOX",
        };

        AssertRefused(doc, "'mailbox': needs the mailbox's address in 'channels.email'", "'mailbox.imap.port'", "'mailbox.imap.security': 'tls'",
            "'mailbox.imap.user'", "'mailbox.processedFolder'");
    }

    [Test]
    public void Parse_ReadsACourtWideMailbox_AndPlusAddressing_AndRefusesAnAddressTwoOwnersClaim()
    {
        var doc = Valid();
        doc["courts"]![0]!["email"] = "balcao@trt8.jus.br";
        doc["courts"]![0]!["mailbox"] = new JsonObject
        {
            ["imap"] = new JsonObject { ["host"] = "imap.trt8.jus.br", ["port"] = 993, ["security"] = "ssl", ["user"] = "balcao" },
            ["plusAddressing"] = true,
        };

        var catalog = UnitCatalogLoader.Parse(doc.ToJsonString(), FileName);

        Assert.That(catalog.Mailboxes.Single(), Is.EqualTo(new Mailbox(catalog.Courts[0].Id, null, catalog.Courts[0], "balcao@trt8.jus.br", catalog.Courts[0].Name, catalog.Courts[0].Mailbox!)));
        Assert.That(catalog.Courts[0].Mailbox!.PlusAddressing, Is.True);
        Assert.That(catalog.FindMailboxByAddress("BALCAO@trt8.jus.br")?.UnitId, Is.Null, "found without case, routed by the chatbot's rules");

        doc["units"]![0]!["channels"]!["email"] = "Balcao@TRT8.jus.br";
        AssertRefused(doc, "'channels.email'", "already a channel");
        doc["units"]![0]!["channels"]!["email"] = "vt@trt8.jus.br";
        doc["courts"]![0]!["email"] = null;
        AssertRefused(doc, "'mailbox': needs the mailbox's address in the court's 'email'");
    }

    [TestCase("http://meet.google.com/abc-defg-hij")]
    [TestCase("meet.google.com/abc-defg-hij")]
    public void Parse_Refuses_VideoLinkThatIsNotHttps(string link)
    {
        var doc = Valid();
        doc["units"]![0]!["videoDeskUrl"] = link;

        AssertRefused(doc, "unit 'unit-a'", "'videoDeskUrl'", "https://");
    }

    [Test]
    public void Parse_Refuses_UnknownField()
    {
        var doc = Valid();
        doc["units"]![0]!["videoDeskUlr"] = "https://meet.google.com/abc-defg-hij";

        AssertRefused(doc, "unit 'unit-a'", "'videoDeskUlr'", "unknown field");
    }

    [Test]
    public void Parse_Refuses_UnknownNestedField()
    {
        var doc = Valid();
        doc["units"]![0]!["sla"]!["window"] = "48:00:00";

        AssertRefused(doc, "unit 'unit-a'", "sla.window", "unknown field");
    }

    [TestCase("48h")]
    [TestCase("-01:00:00")]
    [TestCase("00:00:00")]
    public void Parse_Refuses_BadResponseWindow(string window)
    {
        var doc = Valid();
        doc["units"]![0]!["sla"]!["responseWindow"] = window;

        AssertRefused(doc, "unit 'unit-a'", "'sla.responseWindow'");
    }

    [Test]
    public void Parse_NoneWindow_MeansNoDeadline()
    {
        var doc = Valid();
        doc["units"]![0]!["sla"] = new JsonObject { ["responseWindow"] = "none" };

        var unit = UnitCatalogLoader.Parse(doc.ToJsonString(), "test.json").Units[0];
        Assert.That(unit.Sla, Is.EqualTo(SlaPolicy.None));
    }

    [Test]
    public void Parse_Refuses_WarningsOnAUnitWithoutDeadline()
    {
        var doc = Valid();
        doc["units"]![0]!["sla"] = new JsonObject { ["responseWindow"] = "none", ["warnBefore"] = new JsonArray("02:00:00") };

        AssertRefused(doc, "unit 'unit-a'", "'sla'", "none");
    }

    [Test]
    public void Parse_ReadsTheCourtsEscalationContact_AndRefusesABadOne()
    {
        var doc = Valid();
        doc["courts"]![0]!["escalation"] = new JsonObject { ["name"] = "Corregedoria", ["email"] = "corregedoria@trt8.jus.br" };
        var court = UnitCatalogLoader.Parse(doc.ToJsonString(), "test.json").Units[0].Court;
        Assert.That(court.Escalation, Is.EqualTo(new UnitManager("Corregedoria", "corregedoria@trt8.jus.br", null)));

        doc["courts"]![0]!["escalation"] = new JsonObject { ["name"] = "Corregedoria", ["phone"] = "91 3333-4444" };
        AssertRefused(doc, "court 'TRT8'", "'escalation.phone'");
    }

    [Test]
    public void Parse_Refuses_WarningLongerThanWindow()
    {
        var doc = Valid();
        doc["units"]![0]!["sla"]!["warnBefore"] = new JsonArray("72:00:00");

        AssertRefused(doc, "unit 'unit-a'", "'sla.warnBefore'");
    }

    [Test]
    public void Parse_Refuses_ChannelNumberSharedByTwoUnits()
    {
        var doc = Valid();
        doc["units"]!.AsArray().Add(Unit("unit-b", "0002"));

        AssertRefused(doc, "unit 'unit-b'", "'channels.whatsApp'", "unit-a");
    }

    [Test]
    public void Parse_Refuses_PhoneNotInE164()
    {
        var doc = Valid();
        doc["units"]![0]!["channels"]!["whatsApp"] = new JsonArray("(91) 98123-4567");

        AssertRefused(doc, "unit 'unit-a'", "'channels.whatsApp'", "E.164");
    }

    [Test]
    public void Parse_Refuses_UnitOfUndeclaredCourt()
    {
        var doc = Valid();
        doc["units"]![0]!["court"] = "TRT99";

        AssertRefused(doc, "unit 'unit-a'", "'court'", "TRT99");
    }

    [Test]
    public void Parse_Refuses_InvalidJsonNamingTheFile()
    {
        var ex = Assert.Throws<UnitCatalogException>(() => UnitCatalogLoader.Parse("{ \"units\": [ ", FileName));

        Assert.That(ex!.Message, Does.Contain(FileName));
    }

    [Test]
    public void Parse_ReportsEveryProblemAtOnce()
    {
        var doc = Valid();
        doc["units"]![0]!["timeZone"] = "Nowhere/Nothing";
        doc["units"]![0]!["videoDeskUrl"] = "http://example.com";

        var ex = Assert.Throws<UnitCatalogException>(() => UnitCatalogLoader.Parse(doc.ToJsonString(), FileName));

        Assert.That(ex!.Message, Does.Contain("'timeZone'").And.Contain("'videoDeskUrl'"));
    }

    [Test]
    public void LoadFile_Refuses_MissingFileNamingTheSetting()
    {
        var ex = Assert.Throws<UnitCatalogException>(() => UnitCatalogLoader.LoadFile("/nonexistent/units.json"));

        Assert.That(ex!.Message, Does.Contain("/nonexistent/units.json").And.Contain("Units:Catalog"));
    }

    [TestCase("48:00:00", 48 * 60)]
    [TestCase("2.00:00:00", 48 * 60)]
    [TestCase("00:30", 30)]
    [TestCase("100:15", 100 * 60 + 15)]
    public void TryParseDuration_AcceptsHoursPast23(string text, int minutes)
    {
        Assert.That(UnitCatalogLoader.TryParseDuration(text, out var value), Is.True);
        Assert.That(value, Is.EqualTo(TimeSpan.FromMinutes(minutes)));
    }

    [Test]
    public void ParseDays_WrapsAroundTheWeek()
    {
        Assert.That(UnitCatalogLoader.ParseDays("sat-mon"), Is.EquivalentTo(new[] { DayOfWeek.Saturday, DayOfWeek.Sunday, DayOfWeek.Monday }));
    }

    [Test]
    public void Parse_ReadsAppointments_WithTheServiceHoursAndTheVideoDeskAsDefaults()
    {
        var doc = Valid();
        doc["units"]![0]!["appointments"] = new JsonObject { ["slotMinutes"] = 20 };

        var policy = UnitCatalogLoader.Parse(doc.ToJsonString(), FileName).Units.Single().Appointments!;

        Assert.Multiple(() =>
        {
            Assert.That(policy.SlotLength, Is.EqualTo(TimeSpan.FromMinutes(20)));
            Assert.That(policy.PlacesPerSlot, Is.EqualTo(1));
            Assert.That(policy.Hours.Single().From, Is.EqualTo(new TimeOnly(8, 0)));
            Assert.That(policy.OwnHours, Is.False);
            Assert.That(policy.DaysAhead, Is.EqualTo(14));
            Assert.That(policy.MinimumNotice, Is.EqualTo(TimeSpan.FromHours(2)));
            Assert.That(policy.JoinUrl, Is.EqualTo(new Uri("https://meet.google.com/abc-defg-hij")));
            Assert.That(policy.PerContact, Is.EqualTo(1));
        });
    }

    [Test]
    public void Parse_ReadsAppointments_WithALinkPerAppointment()
    {
        var doc = Valid();
        doc["units"]![0]!["appointments"] = new JsonObject { ["slotMinutes"] = 30, ["placesPerSlot"] = 3, ["linkPerAppointment"] = true };

        var policy = UnitCatalogLoader.Parse(doc.ToJsonString(), FileName).Units.Single().Appointments!;

        Assert.That((policy.JoinUrl, policy.PlacesPerSlot), Is.EqualTo(((Uri?)null, 3)));
    }

    [TestCase("slotMinutes", 5, "'appointments.slotMinutes'", "from 10 to 240")]
    [TestCase("placesPerSlot", 0, "'appointments.placesPerSlot'", "from 1 to 50")]
    [TestCase("daysAhead", 365, "'appointments.daysAhead'", "from 1 to 90")]
    [TestCase("perContact", 0, "'appointments.perContact'", "from 1 to 10")]
    public void Parse_Refuses_AppointmentNumbersOutOfRange(string field, int value, string named, string range)
    {
        var doc = Valid();
        doc["units"]![0]!["appointments"] = new JsonObject { ["slotMinutes"] = 20, [field] = value };

        AssertRefused(doc, "unit 'unit-a'", named, range);
    }

    [Test]
    public void Parse_Refuses_AppointmentsWithoutAnyLink()
    {
        var doc = Valid();
        doc["units"]![0]!.AsObject().Remove("videoDeskUrl");
        doc["units"]![0]!["appointments"] = new JsonObject { ["slotMinutes"] = 20 };

        AssertRefused(doc, "'appointments.meetUrl'", "citizens must know where to join");
    }

    [Test]
    public void Parse_Refuses_BothARoomAndALinkPerAppointment()
    {
        var doc = Valid();
        doc["units"]![0]!["appointments"] = new JsonObject { ["slotMinutes"] = 20, ["meetUrl"] = "https://meet.google.com/xyz-abcd-efg", ["linkPerAppointment"] = true };

        AssertRefused(doc, "'appointments.meetUrl'", "not both");
    }

    [Test]
    public void Parse_Refuses_AppointmentHoursOutsideTheServiceHours_UnlessSaid()
    {
        var doc = Valid();
        var appointments = new JsonObject
        {
            ["slotMinutes"] = 20,
            ["hours"] = new JsonArray(new JsonObject { ["days"] = "mon-fri", ["from"] = "14:00", ["to"] = "16:00" }),
        };
        doc["units"]![0]!["appointments"] = appointments;
        AssertRefused(doc, "'appointments.hours'", "14:00–16:00", "outsideServiceHours");

        appointments["outsideServiceHours"] = true;
        var policy = UnitCatalogLoader.Parse(doc.ToJsonString(), FileName).Units.Single().Appointments!;
        Assert.That((policy.OwnHours, policy.Hours.Single().From), Is.EqualTo((true, new TimeOnly(14, 0))));
    }

    [Test]
    public void Parse_Refuses_ASlotLongerThanItsHours_AndBadHours()
    {
        var doc = Valid();
        doc["units"]![0]!["appointments"] = new JsonObject
        {
            ["slotMinutes"] = 90,
            ["hours"] = new JsonArray(new JsonObject { ["days"] = "mon", ["from"] = "09:00", ["to"] = "10:00" }),
        };
        AssertRefused(doc, "'appointments.slotMinutes'", "fits in none");

        doc["units"]![0]!["appointments"]!["hours"] = new JsonArray(new JsonObject { ["days"] = "seg", ["from"] = "09:00", ["to"] = "10:00" });
        AssertRefused(doc, "'appointments.hours.days'", "'seg'");
    }

    [Test]
    public void Parse_Refuses_AnUnknownAppointmentField()
    {
        var doc = Valid();
        doc["units"]![0]!["appointments"] = new JsonObject { ["slotMinutes"] = 20, ["slotMinute"] = 20 };

        AssertRefused(doc, "unit 'unit-a'", "slotMinute", "unknown field");
    }

    private static void AssertRefused(JsonNode doc, params string[] expectedFragments)
    {
        var ex = Assert.Throws<UnitCatalogException>(() => UnitCatalogLoader.Parse(doc.ToJsonString(), FileName));
        Assert.That(ex!.Message, Does.Contain(FileName));
        foreach (var fragment in expectedFragments)
        {
            Assert.That(ex.Message, Does.Contain(fragment));
        }
    }

    private static JsonObject Valid() => new JsonObject
    {
        ["courts"] = new JsonArray(new JsonObject
        {
            ["id"] = "TRT8", ["name"] = "TRT da 8ª Região", ["cnjCode"] = "5.08", ["dataJudIndex"] = "api_publica_trt8",
        }),
        ["units"] = new JsonArray(Unit("unit-a", "0001")),
    };

    private static JsonObject Unit(string id, string origin) => new()
    {
        ["id"] = id,
        ["court"] = "TRT8",
        ["name"] = "Vara " + id,
        ["city"] = "Macapá",
        ["state"] = "AP",
        ["ibgeCode"] = "1600303",
        ["foraDaSede"] = true,
        ["originCodes"] = new JsonArray(origin),
        ["channels"] = new JsonObject { ["whatsApp"] = new JsonArray("+559621010210") },
        ["videoDeskUrl"] = "https://meet.google.com/abc-defg-hij",
        ["serviceHours"] = new JsonArray(new JsonObject { ["days"] = "mon-fri", ["from"] = "08:00", ["to"] = "13:00" }),
        ["sla"] = new JsonObject { ["responseWindow"] = "48:00:00", ["counting"] = "calendar" },
        ["managers"] = new JsonArray(new JsonObject { ["name"] = "Diretora", ["email"] = "diretora@trt8.jus.br" }),
    };
}
