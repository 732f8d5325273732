using System.Text.RegularExpressions;
using BalcaoVirtual.Web.Features.Court;

namespace BalcaoVirtual.Web.Features.Chatbot;

/// <summary>What a citizen's message asks for, as far as the chatbot can tell.</summary>
public enum Intent
{
    /// <summary>Nothing it recognises.</summary>
    Unknown,
    Greeting,
    Thanks,

    /// <summary>"menu", "voltar", "início", "0".</summary>
    Menu,

    /// <summary>"sair", "encerrar", "tchau".</summary>
    Exit,
    Yes,
    No,

    /// <summary>A menu number on its own.</summary>
    Option,
    CaseStatus,

    /// <summary>Talk to a person at the unit.</summary>
    Human,
    Video,
    Hours,

    /// <summary>Documents and petitions, which the Balcão does not take.</summary>
    Petition,
}

/// <summary>One message, read: the intent, a menu number, and every case number in it.</summary>
public sealed record Reading(Intent Intent, int? Option, IReadOnlyList<CnjCandidate> Numbers, bool HasMalformedNumber, string Normalized)
{
    public bool HasValidNumber => Numbers.Any(n => n.IsValid);
}

/// <summary>
/// Keyword reading of free text in Brazilian Portuguese as citizens type it: no accents, typos, abbreviations
/// ("vc", "pfv", "proc"). Short commands count only in short messages, so "quero sair da empresa" is not "sair".
/// What is asked wins over courtesy: "bom dia, quero o link da videochamada" is Video, not Greeting.
/// </summary>
public static partial class IntentReader
{
    private const int CommandMaxWords = 3;

    private static readonly string[][] ExitWords = Phrases("sair", "encerrar", "finalizar", "tchau", "ate logo", "fim", "parar");
    private static readonly string[][] MenuWords = Phrases("menu", "inicio", "voltar", "opcoes", "recomecar", "comecar de novo", "volta");
    private static readonly string[][] YesWords = Phrases("sim", "s", "quero", "pode", "pode ser", "ok", "isso", "claro", "por favor", "yes", "aham", "uhum", "com certeza", "sim por favor", "pfv", "pf");
    private static readonly string[][] NoWords = Phrases("nao", "n", "agora nao", "nao obrigado", "nao obrigada", "nao quero", "negativo", "dispenso");
    private static readonly string[][] ThanksWords = Phrases("obrigado", "obrigada", "obg", "brigado", "brigada", "valeu", "vlw", "agradeco", "grato", "grata", "muito obrigado", "muito obrigada", "obrigadao");
    private static readonly string[][] GreetingWords = Phrases(
        "oi", "oii", "oie", "ola", "bom dia", "boa tarde", "boa noite", "e ai", "opa", "hello", "alo", "tudo bem", "td bem", "tudo bom",
        "bom", "boa", "dia", "tarde", "noite", "blz", "beleza", "saudacoes", "prezados", "prezado", "prezada");

    private static readonly string[][] PetitionWords = Phrases(
        "peticao", "peticoes", "peticionar", "protocolar", "protocolo de peticao", "documento", "documentos", "anexo", "anexar", "anexei", "juntar",
        "juntada", "arquivo", "arquivos", "comprovante", "pdf", "atestado", "procuracao", "contestacao", "mandar foto", "enviar foto",
        "segue foto", "segue em anexo", "segue anexo");

    private static readonly string[][] VideoWords = Phrases(
        "video", "videochamada", "video chamada", "videoconferencia", "meet", "google meet", "chamada de video", "link", "sala virtual",
        "camera", "balcao virtual por video", "atendimento por video", "reuniao", "sala");

    private static readonly string[][] HoursWords = Phrases(
        "horario", "horarios", "funcionamento", "expediente", "abre", "fecha", "aberto", "aberta", "fechado", "fechada", "que horas",
        "contato", "contatos", "telefone", "email", "e mail", "endereco", "localizacao", "numero da vara", "whatsapp da vara", "atende ate",
        "funciona");

    private static readonly string[][] HumanWords = Phrases(
        "atendente", "atendimento", "humano", "pessoa", "alguem", "servidor", "servidora", "falar com", "falar", "conversar", "duvida",
        "duvidas", "pergunta", "ajuda", "ajudar", "informacao", "informacoes", "secretaria", "diretor", "reclamacao", "audiencia", "acordo",
        "alvara", "pagamento", "certidao", "prazo", "pericia", "calculo", "calculos", "sentenca", "recurso", "oficial", "mandado", "liberar",
        "sacar", "fgts", "seguro desemprego", "titulo", "eleitor", "biometria", "mesario", "multa", "quitacao", "transferencia",
        "urgente", "preciso", "gostaria", "quero saber", "queria saber", "me ajuda", "ajuda ai");

    private static readonly string[][] CaseWords = Phrases(
        "processo", "processos", "proc", "andamento", "situacao", "status", "movimentacao", "movimentacoes", "consulta", "consultar",
        "acompanhar", "acompanhamento", "como esta", "como ta", "tramitacao", "numero do processo", "autos", "pje");

    /// <summary>Words that ask for the status itself (not "processo", which any question about a case names).</summary>
    private static readonly string[][] StatusWords = Phrases(
        "andamento", "situacao", "status", "movimentacao", "movimentacoes", "consulta", "consultar", "acompanhar", "acompanhamento",
        "como esta", "como ta", "tramitacao", "ver o proc", "ver o processo", "ver meu processo");

    // Words that may stand beside a command, a thank-you or a greeting without making it a request.
    private static readonly string[][] MenuFillers = Phrases("ao", "o", "a", "para", "pro");
    private static readonly string[][] ThanksFillers = Phrases("muito", "pela", "ajuda", "atencao", "voce", "vc", "tudo", "de", "novo", "pelo", "atendimento");
    /// <summary>What closes a conversation beside a thank-you: "era só isso", "já entendi", "me ajudou muito".</summary>
    private static readonly string[][] ClosingFillers = Phrases(
        "era", "so", "isso", "mesmo", "ja", "entendi", "ok", "certo", "otimo", "perfeito", "resolvido", "me", "ajudou", "ajudaram",
        "por", "enquanto", "hoje", "e", "foi", "bem", "deus", "abencoe");

    private static readonly string[][] GreetingFillers = Phrases("tudo", "bem", "como", "vai", "vc", "voce", "senhor", "senhora", "a", "o", "e");

    /// <summary>Asking for a person outright: with "processo" it is a clerk, not a status query.</summary>
    private static readonly string[][] AskForPersonWords = Phrases("falar", "atendente", "falar com", "alguem", "pessoa", "humano", "duvida");

    private static readonly Dictionary<string, int> OptionWords = new(StringComparer.Ordinal)
    {
        ["0"] = 0, ["1"] = 1, ["2"] = 2, ["3"] = 3, ["4"] = 4, ["5"] = 5, ["6"] = 6, ["7"] = 7, ["8"] = 8, ["9"] = 9,
        ["um"] = 1, ["uma"] = 1, ["dois"] = 2, ["duas"] = 2, ["tres"] = 3, ["quatro"] = 4, ["cinco"] = 5,
    };

    /// <summary>
    /// Reads the intent and the unit named (by case number, unit name or town). A message that only names a unit ("sou
    /// de Marabá", "7ª vara de Macapá") asks to talk to that unit.
    /// </summary>
    public static (Reading Reading, UnitMatch Unit) Read(string? text, UnitResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        var reading = Read(text);
        var unit = reading.Intent == Intent.Option ? UnitMatch.None : resolver.Resolve(text);
        if (reading.Intent == Intent.Unknown && unit.Kind != UnitMatchKind.NotFound)
        {
            reading = reading with { Intent = Intent.Human };
        }

        return (reading, unit);
    }

    public static Reading Read(string? text)
    {
        // "bom diaaa", "oiiii": letters held down count once.
        var normalized = Repeated().Replace(TextMatching.Normalize(text), "$1");
        var numbers = CnjNumber.FindAll(text);
        var malformed = numbers.Count == 0 && MalformedNumber().IsMatch(text ?? "");
        var words = normalized.Length == 0 ? [] : normalized.Split(' ');
        var intent = Classify(words, numbers.Count > 0 || malformed, out var option);
        return new Reading(intent, option, numbers, malformed, normalized);
    }

    private static Intent Classify(string[] words, bool hasNumber, out int? option)
    {
        option = null;
        if (words.Length == 0)
        {
            return Intent.Unknown;
        }

        // "opção 2", "2", "2️⃣", "dois": a menu number.
        var optionWords = words.Where(w => w is not ("opcao" or "op" or "numero" or "n" or "o" or "a")).ToArray();
        if (!hasNumber && optionWords.Length == 1 && OptionWords.TryGetValue(optionWords[0], out var n))
        {
            option = n;
            return n == 0 ? Intent.Menu : Intent.Option;
        }

        var isShort = words.Length <= CommandMaxWords;
        if (isShort && OnlyOf(words, ExitWords, GreetingWords, ThanksWords) && Contains(words, ExitWords))
        {
            return Intent.Exit;
        }

        if (isShort && OnlyOf(words, MenuWords, GreetingWords, ThanksWords, MenuFillers) && Contains(words, MenuWords))
        {
            return Intent.Menu;
        }

        // Courtesy, however long, is courtesy: "obrigado pela ajuda, até logo" says goodbye, "obrigado, era só isso" thanks.
        if (OnlyOf(words, ThanksWords, ExitWords, GreetingWords, ThanksFillers, ClosingFillers) && Contains(words, ThanksWords))
        {
            return Contains(words, ExitWords) ? Intent.Exit : Intent.Thanks;
        }

        if (Contains(words, PetitionWords))
        {
            return Intent.Petition;
        }

        if (Contains(words, VideoWords))
        {
            return Intent.Video;
        }

        if (Contains(words, HoursWords))
        {
            return Intent.Hours;
        }

        if (OnlyOf(words, ThanksWords, GreetingWords, ThanksFillers) && Contains(words, ThanksWords))
        {
            return Intent.Thanks;
        }

        var human = Contains(words, HumanWords);
        var caseWords = Contains(words, CaseWords);

        // A number alone, or with "andamento": its status. A number with a question a clerk answers ("audiência"): a clerk.
        if (hasNumber)
        {
            return human && !Contains(words, StatusWords) ? Intent.Human : Intent.CaseStatus;
        }

        if (caseWords && !Contains(words, AskForPersonWords))
        {
            return Intent.CaseStatus;
        }

        if (human)
        {
            return Intent.Human;
        }

        if (isShort && OnlyOf(words, YesWords))
        {
            return Intent.Yes;
        }

        if (isShort && OnlyOf(words, NoWords, ThanksWords) && Contains(words, NoWords))
        {
            return Intent.No;
        }

        return OnlyOf(words, GreetingWords, GreetingFillers) ? Intent.Greeting : Intent.Unknown;
    }

    private static string[][] Phrases(params string[] phrases) => [.. phrases.Select(p => p.Split(' '))];

    /// <summary>Whether some phrase occurs as consecutive words, each word within its typo tolerance.</summary>
    private static bool Contains(string[] words, string[][] phrases)
    {
        foreach (var phrase in phrases)
        {
            for (var i = 0; i + phrase.Length <= words.Length; i++)
            {
                var all = true;
                for (var j = 0; j < phrase.Length && all; j++)
                {
                    all = Same(words[i + j], phrase[j]);
                }

                if (all)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Whether every word belongs to one of the phrase lists (the message says nothing else).</summary>
    private static bool OnlyOf(string[] words, params string[][][] lists) =>
        words.All(w => lists.Any(list => list.Any(phrase => phrase.Any(p => Same(w, p)))));

    /// <summary>
    /// Typos forgiven only on longer words: one from 6 letters ("processso", "horaio"), two from 9 ("andameto"); short
    /// words must match exactly ("sala" is not "fala").
    /// </summary>
    private static bool Same(string word, string keyword)
    {
        if (word == keyword)
        {
            return true;
        }

        var tolerance = keyword.Length >= 9 ? 2 : keyword.Length >= 6 ? 1 : 0;
        return tolerance > 0 && TextMatching.Distance(word, keyword, tolerance) <= tolerance;
    }

    [GeneratedRegex(@"([a-z])\1{2,}")]
    private static partial Regex Repeated();

    /// <summary>A run of 12 or more digits with the separators people type: a case number of the wrong length, most likely.</summary>
    [GeneratedRegex(@"(?<![0-9])[0-9](?:[ .\-/]?[0-9]){11,}(?![0-9])")]
    private static partial Regex MalformedNumber();
}
