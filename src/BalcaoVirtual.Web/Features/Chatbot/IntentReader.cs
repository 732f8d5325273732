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
    /// <summary>The well-formed case numbers it mentions, canonical.</summary>
    public IEnumerable<string> ValidNumbers => Numbers.Where(n => n.IsValid).Select(n => n.Number.Canonical);

    public bool HasValidNumber => Numbers.Any(n => n.IsValid);

    /// <summary>Whether a case number, right or mistyped, is in the message.</summary>
    public bool HasNumber => Numbers.Count > 0 || HasMalformedNumber;

    /// <summary>
    /// The branches whose matters the message names ("pensão alimentícia": state; "INSS": federal), federal before state
    /// ("pensão por morte"); several when it names several ("fórum trabalhista").
    /// </summary>
    public IReadOnlyList<Branch> Matters { get; init; } = [];

    /// <summary>The branches named most (a tie keeps several): the matter the message is about.</summary>
    public IReadOnlyList<Branch> MainMatters { get; init; } = [];

    /// <summary>Asks for the status itself ("andamento", "situação"), not only names a case.</summary>
    public bool AsksStatus { get; init; }

    /// <summary>Says there is no case number to give ("não tenho o número", "perdi o número").</summary>
    public bool NoNumber { get; init; }

    /// <summary>Wants to start a lawsuit ("quero entrar com um processo", "como processo a empresa").</summary>
    public bool NewClaim { get; init; }

    /// <summary>Asks what to do, or about their own deadline or summons: a clerk's judgement, not a summary.</summary>
    public bool NeedsJudgement { get; init; }

    /// <summary>Asks something: a question mark, or words that ask ("queria saber se", "como faço", "é sobre").</summary>
    public bool Asks { get; init; }

    /// <summary>Asks with words that ask ("queria saber se", "quando", "como faço"), not only with a question mark.</summary>
    public bool AsksInWords { get; init; }

    /// <summary>Asks for a person outright ("quero falar com alguém"): what else it says is context until it asks.</summary>
    public bool AsksForPerson { get; init; }

    /// <summary>Names a unit or a town and nothing it recognises besides ("Marabá", "sou de Santana").</summary>
    public bool OnlyNamesUnit { get; init; }

    /// <summary>Names what a question is about ("audiência", "alvará", "RPV").</summary>
    public bool NamesTopic { get; init; }

    /// <summary>Opens with a greeting ("oi, de novo", "bom dia, sou eu").</summary>
    public bool Greets { get; init; }

    /// <summary>Says thank you, whatever else it says ("não, obrigado").</summary>
    public bool Polite { get; init; }

    /// <summary>Changes its mind inside the message ("esquece, quero o link"): what follows is what it asks.</summary>
    public bool ChangedMind { get; init; }

    /// <summary>Asks whether a number, address, link or message is the court's ("isso é oficial?", "é golpe?", "verificar").</summary>
    public bool AsksIfOfficial { get; init; }

    /// <summary>
    /// Mentions paying by message: PIX, a boleto (not for an electoral fine, which is paid by boleto), a fee to release
    /// money ("taxa para liberar o alvará"), or a lawyer asking for money: what the fake-lawyer scam asks for.
    /// </summary>
    public bool MentionsPayment { get; init; }

    /// <summary>Asks about the wait for the unit's answer ("e aí?", "quando vão responder?", "ninguém responde").</summary>
    public bool AsksAboutWait { get; init; }

    /// <summary>Asks for no satisfaction surveys ("não quero pesquisa", "não me mandem pesquisa").</summary>
    public bool DeclinesSurveys { get; init; }

    /// <summary>Asks to be told of a case's new movements ("me avise quando meu processo andar", "avisar").</summary>
    public bool AsksToFollow { get; init; }

    /// <summary>Asks to stop the movement alerts ("parar de avisar", "cancelar avisos").</summary>
    public bool AsksToStopFollowing { get; init; }

    /// <summary>Says only "parar" (with a case number at most): the alerts' stop word when the contact follows cases.</summary>
    public bool SaysStop { get; init; }

    /// <summary>Asks which cases it follows ("meus avisos").</summary>
    public bool AsksFollowList { get; init; }

    /// <summary>Asks to book a video call with a unit ("quero agendar um atendimento por vídeo", "marcar horário").</summary>
    public bool AsksToBook { get; init; }

    /// <summary>Asks to move a booked video call ("remarcar", "mudar o horário do meu atendimento").</summary>
    public bool AsksToReschedule { get; init; }

    /// <summary>Asks to cancel a booked video call ("cancelar o agendamento", "desmarcar").</summary>
    public bool AsksToCancelBooking { get; init; }

    /// <summary>Says only "cancelar": the booking's cancel word when the contact has one.</summary>
    public bool SaysCancel { get; init; }

    /// <summary>Asks when its booked video call is ("meu agendamento").</summary>
    public bool AsksMyBookings { get; init; }
}

/// <summary>
/// Keyword reading of free text in Brazilian Portuguese as citizens type it: no accents, typos, abbreviations
/// ("vc", "pfv", "proc"). Short commands count only in short messages, so "quero sair da empresa" is not "sair".
/// What is asked wins over courtesy: "bom dia, quero o link da videochamada" is Video, not Greeting.
/// </summary>
public static partial class IntentReader
{
    private const int CommandMaxWords = 3;

    /// <summary>A nudge about the wait is short: "ainda estou aguardando resposta da vara".</summary>
    private const int WaitMaxWords = 7;

    private static readonly string[][] ExitWords = Phrases(
        "sair", "encerrar", "finalizar", "tchau", "ate logo", "fim", "parar", "ate mais", "flw", "falou", "ate breve", "ate amanha",
        "ate a proxima", "abraco", "abracos", "bjs", "fui");

    private static readonly string[][] FarewellWords = Phrases("tchau", "ate logo", "flw", "ate breve", "ate a proxima");
    private static readonly string[][] MenuWords = Phrases("menu", "inicio", "voltar", "opcoes", "recomecar", "comecar de novo", "volta");
    private static readonly string[][] YesWords = Phrases("sim", "s", "quero", "pode", "pode ser", "ok", "isso", "claro", "por favor", "yes", "aham", "uhum", "com certeza", "sim por favor", "pfv", "pf");
    private static readonly string[][] NoWords = Phrases("nao", "n", "agora nao", "nao obrigado", "nao obrigada", "nao quero", "negativo", "dispenso");
    private static readonly string[][] ThanksWords = Phrases(
        "obrigado", "obrigada", "obg", "obgg", "obgd", "obgda", "brigado", "brigada", "valeu", "vlw", "agradeco", "agradecer", "agradecida",
        "agradecido", "grato", "grata", "muito obrigado", "muito obrigada", "obrigadao", "brigadao", "gratidao");
    private static readonly string[][] GreetingWords = Phrases(
        "oi", "oii", "oie", "ola", "bom dia", "boa tarde", "boa noite", "e ai", "opa", "hello", "alo", "tudo bem", "td bem", "tudo bom",
        "bom", "boa", "dia", "tarde", "noite", "blz", "beleza", "saudacoes", "prezados", "prezado", "prezada");

    /// <summary>Filing something: a petition here is never a filing, so these always get the PJe answer.</summary>
    private static readonly string[][] FilingWords = Phrases(
        "peticao", "peticoes", "peticionar", "protocolar", "protocolo de peticao", "juntar", "juntada", "contestacao", "procuracao",
        "dar entrada", "segue foto", "segue em anexo", "segue anexo", "em anexo", "mandar foto", "enviar foto");

    /// <summary>Documents, which a question may name ("que documento levo?"): sent here only with a verb of sending.</summary>
    private static readonly string[][] DocumentWords = Phrases(
        "documento", "documentos", "anexo", "arquivo", "arquivos", "comprovante", "comprovantes", "pdf", "atestado", "defesa", "recurso",
        "requerimento", "foto", "fotos", "print", "copia", "calculos", "calculo", "procuracao", "peticao");

    private static readonly string[][] SendWords = Phrases(
        "mandar", "mando", "manda", "enviar", "envio", "segue", "seguem", "anexar", "anexei", "anexado", "anexando", "encaminhar",
        "encaminho", "entregar", "entrego", "recebem", "recebe", "aceita", "aceitam", "vai ai", "vai em anexo", "to mandando",
        "estou mandando", "estou enviando");

    private static readonly string[][] VideoWords = Phrases(
        "video", "videochamada", "video chamada", "videoconferencia", "meet", "google meet", "chamada de video", "link", "sala virtual",
        "camera", "balcao virtual por video", "atendimento por video", "reuniao", "sala");

    private static readonly string[][] HoursWords = Phrases(
        "horario", "horarios", "funcionamento", "expediente", "que horas", "aberto", "aberta", "fechado", "fechada",
        "telefone", "email", "e mail", "qual o endereco", "qual endereco", "qual e o endereco", "endereco de voces", "endereco de vcs",
        "endereco da vara", "endereco do cartorio", "endereco da zona", "o endereco", "localizacao", "onde fica", "fica onde", "como chego",
        "numero da vara", "whatsapp da vara", "atende ate", "funciona ate", "atendendo agora", "atendendo hoje", "atendendo hj",
        "atende hoje", "atende hj", "atendem hoje", "ja abriu", "abre hoje", "abre amanha", "abrem amanha", "abre que horas",
        "abrem que horas", "abre as", "fecha que horas", "fecha as", "ainda estao ai", "ainda tao ai", "tao ai", "estao ai",
        "atende sabado", "atendem sabado", "atende no sabado", "atendem no sabado", "atendem aos sabados", "abre sabado",
        "abre no sabado", "funciona sabado", "funciona no sabado", "atende domingo", "atendem domingo", "abre domingo", "abre feriado",
        "atende feriado", "atendem feriado", "sabado tem", "tem atendimento sabado", "hora do almoco", "abre hj", "quando abre",
        "da tempo de ir", "da tempo de chegar", "no feriado", "no natal", "recesso", "no carnaval", "ferias coletivas", "fim de ano", "zap da vara", "zap de voces", "zap de vcs", "whatsapp de voces", "qual o zap", "qual o whatsapp");

    private static readonly string[][] HumanWords = Phrases(
        "atendente", "atendimento", "humano", "pessoa", "alguem", "servidor", "servidora", "falar com", "falar", "conversar", "duvida",
        "duvidas", "pergunta", "ajuda", "ajudar", "informacao", "informacoes", "secretaria", "diretor", "reclamacao", "audiencia", "acordo",
        "alvara", "pagamento", "certidao", "prazo", "pericia", "calculo", "calculos", "sentenca", "recurso", "oficial", "mandado", "liberar",
        "sacar", "fgts", "seguro desemprego", "titulo", "eleitor", "biometria", "mesario", "multa", "quitacao", "transferencia",
        "urgente", "preciso", "gostaria", "quero saber", "queria saber", "me ajuda", "ajuda ai", "recado", "mensagem", "falar com a vara",
        "falar com a zona", "atendido", "atendida", "atender", "me atende", "me atenda");

    /// <summary>What makes a message with a thank-you a request after all.</summary>
    private static readonly string[][] AskingWords = Phrases(
        "quero", "queria", "preciso", "precisava", "gostaria", "como", "qual", "quais", "quando", "onde", "pode", "poderia", "podem", "tem como",
        "segue", "manda", "mande", "me passa", "falar", "saber", "mas", "porem", "so que", "ainda", "nao consegui", "nao recebi", "cade");

    /// <summary>Asking in general terms, which beside a case number asks for its status ("queria saber do processo N").</summary>
    private static readonly string[][] GenericAskWords = Phrases(
        "preciso", "gostaria", "quero saber", "queria saber", "informacao", "informacoes", "ajuda", "ajudar", "me ajuda", "ajuda ai",
        "duvida", "duvidas", "urgente", "pergunta", "saber");

    private static readonly string[][] MoneyWords = Phrases(
        "rpv", "precatorio", "expedido", "expedida", "deposito", "depositaram", "depositado", "dinheiro", "receber", "recebo", "guia");

    private static readonly string[][] SpecificHumanWords = [.. HumanWords.Where(h => !GenericAskWords.Any(g => g.SequenceEqual(h))), .. MoneyWords];

    /// <summary>What a question is about ("audiência", "alvará"), as opposed to whom it is for ("atendente", "secretaria").</summary>
    private static readonly string[][] TopicWords = [.. SpecificHumanWords.Where(h => !Phrases(
        "atendente", "atendimento", "humano", "pessoa", "alguem", "servidor", "servidora", "falar com", "falar", "conversar", "secretaria",
        "diretor", "recado", "mensagem", "falar com a vara", "falar com a zona", "atendido", "atendida", "atender", "me atende",
        "me atenda").Any(p => p.SequenceEqual(h)))];

    private static readonly string[][] CaseWords = Phrases(
        "processo", "processos", "proc", "andamento", "situacao", "status", "movimentacao", "movimentacoes", "consulta", "consultar",
        "acompanhar", "acompanhamento", "como esta", "como ta", "tramitacao", "numero do processo", "autos", "pje");

    /// <summary>Words that ask for the status itself (not "processo", which any question about a case names).</summary>
    private static readonly string[][] StatusWords = Phrases(
        "andamento", "situacao", "status", "movimentacao", "movimentacoes", "consulta", "consultar", "acompanhar", "acompanhamento",
        "como esta", "como ta", "tramitacao", "ver o proc", "ver o processo", "ver meu processo");

    /// <summary>A petition or document already filed: a question about the case, not a filing by chat ("peticionei ontem, já juntaram?").</summary>
    private static readonly string[][] FiledWords = Phrases(
        "peticionei", "protocolei", "protocolado", "protocolada", "protocolamos", "peticionamos", "juntaram", "foi juntado", "foi juntada",
        "ja juntei", "juntei", "dei entrada", "foi recebida", "foi recebido", "ja enviei", "ja mandei", "enviei pelo pje", "mandei pelo pje");

    /// <summary>
    /// Asking whether something is the court's: a number, an address, a link, a forwarded message. Not "é da vara de
    /// Marabá" (where a case is) nor "conferir se o alvará saiu" (a question for the clerk).
    /// </summary>
    private static readonly string[][] OfficialWords = Phrases(
        "e oficial", "eh oficial", "isso e oficial", "sao oficiais", "numero oficial", "canal oficial", "oficial mesmo", "e golpe",
        "eh golpe", "isso e golpe", "sera golpe", "seria golpe", "pode ser golpe", "sera que e golpe", "e confiavel", "e verdadeiro",
        "e verdadeira", "falso advogado", "falsa advogada", "golpe do advogado", "golpe do falso advogado", "esse numero e de voces",
        "esse numero e da vara", "esse numero e do tribunal", "esse contato e de voces", "esse contato e da vara");

    /// <summary>"Verificar": a command when said alone or with a number, an address or a link to check ("poderia verificar a movimentação" asks a clerk).</summary>
    private static readonly string[][] VerifyWords = Phrases("verificar", "verifica", "verificacao", "verifique", "conferir", "confere", "checar");

    /// <summary>Paying by message: said alone, what the scam asks for (not for a fine, nor a citizen's own key).</summary>
    private static readonly string[][] ScamPaymentWords = Phrases("pix", "boleto", "boletos", "falso advogado", "falsa advogada");

    /// <summary>A citizen's own PIX key or account, given for a payment to them: no demand.</summary>
    private static readonly string[][] OwnKeyWords = Phrases("minha chave pix", "minha chave", "meu pix", "meus dados bancarios", "minha conta");

    /// <summary>Someone asking for money ("me pediu", "cobrando"): beside money (<see cref="ChargeWords"/>), the scam's demand.</summary>
    private static readonly string[][] DemandWords = Phrases(
        "pediu", "pediram", "pedindo", "pede", "cobrou", "cobraram", "cobrando", "cobranca", "exigiu", "exigindo", "mandou pagar",
        "mandaram pagar", "quer que eu pague", "querem que eu pague");

    private static readonly string[][] ChargeWords = Phrases(
        "taxa", "taxas", "custas", "tarifa", "pagar", "pague", "pagamento", "deposito", "deposite", "depositar", "transfira", "transferencia",
        "imposto", "impostos", "honorarios", "dinheiro", "reais");

    /// <summary>Charges that beside the release of money (<see cref="ReleaseWords"/>) are the demand ("taxa para liberar o alvará").</summary>
    private static readonly string[][] ChargeOnlyWords = Phrases("taxa", "taxas", "tarifa", "deposite", "transfira", "imposto", "impostos", "custas");

    private static readonly string[][] ReleaseWords = Phrases(
        "liberar", "liberacao", "libera", "liberado", "liberada", "alvara", "levantar", "levantamento", "desbloquear", "desbloqueio",
        "resgatar", "resgate", "sacar", "saque", "causa ganha", "ganhou a causa", "ganhei a causa", "ganhei o processo", "ganhou o processo",
        "ganhei a acao", "ganhou a acao");


    /// <summary>Asking when the answer comes, or whether anyone is there: meaningful while a unit has the conversation.</summary>
    private static readonly string[][] WaitWords = Phrases(
        "quando vao responder", "quando vai responder", "quando vao me responder", "quando vai me responder", "quando me respondem",
        "quando vou ter resposta", "quando vou ter retorno", "quando vou receber resposta", "quando vou receber retorno", "quando vem a resposta",
        "quando sai a resposta", "quando vai ter resposta", "quando terei resposta", "quando terei retorno", "cade a resposta", "cade minha resposta",
        "cade o retorno", "cade voces", "ninguem responde", "ninguem respondeu", "ninguem me respondeu", "ninguem me responde", "ninguem vai responder",
        "ainda aguardando", "ainda esperando", "continuo esperando", "continuo aguardando", "ainda estou esperando", "ainda to esperando",
        "ainda estou aguardando", "aguardando resposta", "aguardando retorno", "esperando resposta", "esperando retorno", "previsao de resposta", "previsao de retorno",
        "alguma previsao", "qual a previsao", "tem previsao", "quanto tempo para responder", "quanto tempo pra responder", "quanto tempo vai demorar",
        "vai demorar", "demora muito", "ta demorando", "esta demorando", "tem alguem ai", "alguem ai", "alguma resposta", "algum retorno");

    /// <summary>
    /// Said alone, a nudge about the wait ("e aí?", "alô?", "to esperando"); in a longer message these tell the unit
    /// something ("faz 3 meses que to esperando"). Not "e agora?", which asks what to do.
    /// </summary>
    private static readonly string[][] ShortWaitWords = Phrases(
        "e ai", "e entao", "alo", "alguma novidade", "novidades", "novidade", "to esperando", "estou esperando", "estou aguardando", "to aguardando");

    /// <summary>Asking for no satisfaction surveys.</summary>
    private static readonly string[][] NoSurveyWords = Phrases(
        "nao quero pesquisa", "nao quero pesquisas", "nao quero responder pesquisa", "nao quero responder pesquisas", "nao quero avaliar",
        "nao quero receber pesquisa", "nao quero receber pesquisas", "nao mande pesquisa", "nao mandem pesquisa", "nao me mande pesquisa",
        "nao me mandem pesquisa", "nao mandem mais pesquisa", "parar pesquisa", "parar pesquisas",
        "nao quero receber mensagens", "nao me mandem mais mensagens", "nao me mande mais mensagens", "parem de me mandar mensagens");

    /// <summary>Asking for alerts in so many words.</summary>
    private static readonly string[][] FollowWords = Phrases(
        "quero ser avisado", "quero ser avisada", "quero aviso", "quero avisos", "receber aviso", "receber avisos", "quero acompanhar o processo",
        "me mantenha informado", "me mantenha informada", "ativar avisos", "ativar aviso");

    /// <summary>"Me avise": alerts when alone (beside a case number at most) or beside words of a case moving (<see cref="MovingWords"/>).</summary>
    private static readonly string[][] WarnWords = Phrases(
        "me avise", "me avisa", "me avisem", "me avisar", "avisar", "avise", "me notifique", "me notifica", "acompanhar o processo", "acompanhar meu processo");

    private static readonly string[][] MovingWords = Phrases(
        "andar", "andamento", "movimentacao", "movimentacoes", "mexer", "mexerem", "novidade", "novidades", "atualizacao", "atualizacoes");

    private static readonly string[][] StopFollowingWords = Phrases(
        "parar de avisar", "pare de avisar", "parar os avisos", "parar avisos", "parar aviso", "cancelar avisos", "cancelar aviso", "cancelar os avisos",
        "nao quero mais avisos", "nao quero mais aviso", "nao quero mais receber avisos", "parar de receber avisos", "desativar avisos", "sair dos avisos",
        "nao quero avisos", "nao quero aviso", "nao quero receber avisos", "nao quero receber aviso", "nao precisa avisar", "nao precisa me avisar");

    private static readonly string[][] FollowListWords = Phrases(
        "meus avisos", "quais avisos", "quais processos acompanho", "que processos acompanho", "processos que acompanho", "lista de avisos",
        "ver avisos", "quais processos estou acompanhando", "quais processos eu acompanho");

    /// <summary>Booking a time with the unit. Not "agendado" ("a perícia foi agendada?" asks the unit about the case).</summary>
    private static readonly string[][] BookWords = Phrases(
        "agendar", "agendamento", "agende", "agenda um", "agenda uma", "marcar horario", "marcar um horario", "marcar uma hora", "marcar hora",
        "hora marcada", "horario marcado", "marcar atendimento", "marcar um atendimento", "marcar uma videochamada", "marcar videochamada",
        "marcar uma chamada", "marcar uma reuniao", "marcar reuniao", "marcar um video", "marcar uma conversa", "quero marcar", "queria marcar",
        "gostaria de marcar", "posso marcar", "como marco", "como faco para marcar", "horarios livres", "horarios disponiveis", "horario disponivel",
        "horario livre", "agendar horario");

    /// <summary>What else people book at a court: in person, at the registry ("agendar a biometria" is no video call).</summary>
    private static readonly string[][] InPersonWords = Phrases(
        "biometria", "titulo", "alistamento", "transferencia", "revisao", "cadastramento", "presencial", "pessoalmente", "pericia",
        "audiencia", "exame", "vistoria", "segunda via", "conciliacao", "mutirao", "sessao", "julgamento");

    private static readonly string[][] RescheduleWords = Phrases(
        "remarcar", "remarca", "reagendar", "reagenda", "mudar o horario", "mudar meu horario", "mudar o meu horario", "trocar o horario",
        "trocar meu horario", "trocar o meu horario", "outro horario", "mudar o agendamento", "trocar o agendamento");

    private static readonly string[][] CancelBookingWords = Phrases(
        "cancelar o agendamento", "cancelar agendamento", "cancelar meu agendamento", "cancelar o meu agendamento", "cancelar o atendimento",
        "cancelar meu atendimento", "cancelar o horario", "cancelar meu horario", "cancelar a videochamada", "cancelar a chamada",
        "cancelar a reuniao", "desmarcar", "desmarca", "desmarque", "nao vou poder ir no atendimento", "nao vou conseguir participar",
        "nao vou poder participar", "cancela o agendamento", "cancela meu horario", "cancelar a hora marcada");

    private static readonly string[][] MyBookingWords = Phrases(
        "meu agendamento", "meus agendamentos", "meu horario marcado", "minha hora marcada", "meu atendimento marcado",
        "quando e meu atendimento", "que horas e meu atendimento", "qual meu horario", "qual o meu horario");

    /// <summary>The court officer ("oficial de justiça"), not an official channel.</summary>
    private static readonly string[][] OfficerWords = Phrases("oficial de justica", "oficiala de justica");

    /// <summary>A fine (an electoral one is paid by boleto, and asking for it is no scam).</summary>
    private static readonly string[][] FineWords = Phrases("multa", "multas");

    /// <summary>A change of mind inside one message: what follows the last of these is what is asked.</summary>
    private static readonly string[] ChangeOfMind =
        ["esquece", "esqueca", "deixa pra la", "na verdade", "na vdd", "alias", "pensando bem", "pera", "mudei de ideia", "ah nao", "nao espera", "muda"];

    /// <summary>Asking for a person (or leaving a message for one).</summary>
    private static readonly string[][] PersonWords = Phrases(
        "falar com", "conversar com", "alguem", "atendente", "pessoa", "humano", "servidor", "servidora", "recado", "contato com",
        "com quem falo", "com quem eu falo", "quem me atende");

    /// <summary>Words that ask, without a question mark.</summary>
    private static readonly string[][] QuestionWords = Phrases(
        "saber se", "quero saber", "queria saber", "gostaria de saber", "preciso saber", "como faco", "e sobre", "quando", "qual", "quais",
        "por que", "pq", "porque", "onde", "quanto", "se ja", "como fica", "o que");

    /// <summary>Sending something here, which a question about sending it here also is ("posso mandar por aqui?").</summary>
    private static readonly string[][] HereWords = Phrases(
        "por aqui", "aqui", "whats", "whatsapp", "zap", "por email", "pelo chat", "por mensagem", "pelo balcao");

    /// <summary>Asking how or whether to do something ("como envio?", "posso anexar?").</summary>
    private static readonly string[][] HowWords = Phrases("como", "posso", "pode", "onde", "da pra", "tem como", "consigo");

    /// <summary>A hearing, not the video desk: "a audiência vai ser por vídeo?" is a question for the clerk.</summary>
    private static readonly string[][] HearingWords = Phrases(
        "audiencia", "testemunha", "pericia", "depoimento", "oitiva", "sessao", "julgamento", "ouvida", "ouvido");

    /// <summary>Words a short question about where or how to reach the unit is made of ("endereço?", "telefone?").</summary>
    private static readonly string[][] ContactWords = Phrases("endereco", "telefone", "zap", "whatsapp", "fone", "contato", "contatos", "email");

    /// <summary>Asking for the contacts, spelled exactly ("contato de" is one typo from "contrato de").</summary>
    private static readonly string[][] ContactPhrases = Phrases(
        "o contato", "qual o contato", "contato da", "contato do", "contato de", "seu contato", "os contatos", "contatos da", "contatos de");

    /// <summary>Says there is no number to give.</summary>
    private static readonly string[][] NoNumberWords = Phrases(
        "nao tenho o numero", "nao tenho numero", "nao sei o numero", "nao lembro o numero", "perdi o numero", "esqueci o numero",
        "sem o numero", "sem numero", "nao tenho o n", "nao sei qual e o numero", "nao tenho o processo", "nao sei o n", "nao tenho esse numero",
        "nao sei meu numero", "nao tenho ele", "nao sei ele", "nao sei qual e", "nao sei o numero do processo", "nao achei o numero",
        "nao encontro o numero", "nao sei entao", "ta escrito assim", "nao sei numero", "nao tenho numero de processo", "como eu acho o numero",
        "como acho o numero", "preciso do numero");

    /// <summary>Wants to start a lawsuit.</summary>
    private static readonly string[][] NewClaimWords = Phrases(
        "entrar com processo", "entrar com um processo", "processar a", "processar o", "quero processar", "como processo", "entrar com uma acao", "entrar com acao", "entrar na justica", "abrir processo",
        "abrir um processo", "abrir uma acao", "colocar na justica", "botar na justica", "por na justica", "ajuizar", "ajuizar uma acao",
        "atermacao", "mover uma acao", "mover acao", "fazer uma reclamacao trabalhista", "abrir reclamacao", "dar entrada num processo",
        "dar entrada em um processo", "dar entrada numa acao", "entrar com reclamacao", "entrar com uma reclamacao",
        "nova acao", "abrir uma reclamacao", "como comeca", "comecar um processo", "comecar uma acao", "reclamacao trabalhista sem advogado",
        "meu patrao na justica", "ele na justica", "ela na justica", "eles na justica", "a empresa na justica", "o patrao na justica",
        "processar ela", "processar ele", "processar eles", "posso processar");

    /// <summary>A case that exists already: "meu processo na justiça do trabalho está parado" is no new claim.</summary>
    private static readonly string[][] OwnCaseWords = Phrases("meu processo", "minha acao", "meu caso", "o processo", "do processo", "no processo", "meus processos");

    /// <summary>Asks what to do, or about their own deadline or summons.</summary>
    private static readonly string[][] JudgementWords = Phrases(
        "o que eu faco", "o que faco", "que eu faco", "o que devo fazer", "oq eu faco", "oq faco", "o que fazer", "tenho que ir",
        "preciso ir", "sou obrigado", "sou obrigada", "devo comparecer", "tenho que comparecer", "preciso comparecer", "meu prazo",
        "qual o prazo", "qual e o prazo", "intimacao", "intimado", "intimada", "notificacao", "notificado", "notificada", "citacao",
        "citado", "citada", "convocado", "convocada", "convocacao", "e agora", "vou ter que", "vou ter q", "tenho que pagar",
        "o que significa", "o que quer dizer", "mandaram eu", "me manifestar", "o que eu escrevo", "o que escrevo", "posso faltar",
        "nao posso ir", "nao vou poder ir", "nao vou poder comparecer", "impugnado", "impugnada", "impugnacao", "mandou eu", "mandaram juntar",
        "nao entendi qual", "vou receber");

    /// <summary>Words of a matter that many other messages use too: each counts half.</summary>
    private static readonly string[][] WeakMatterWords = Phrases(
        "pensao", "loja", "defeito", "comprei", "energia", "de luz", "banco", "emprestimo", "consignado", "vizinho", "ameaca", "ameacou",
        "queixa", "policia", "operadora", "forum", "golpe", "a empresa", "minha empresa", "chefe", "firma", "acerto");

    /// <summary>Matters that another branch of the judiciary handles, by branch.</summary>
    private static readonly (Branch Branch, string[][] Words)[] MatterWords =
    [
        (Branch.Federal, Phrases(
            "inss", "aposentadoria", "aposentar", "aposentado", "auxilio doenca", "auxilio acidente", "beneficio do inss", "bpc", "loas",
            "pensao por morte", "salario maternidade", "justica federal", "juizado federal", "receita federal", "auxilio emergencial",
            "bolsa familia", "trf1", "trf")),
        (Branch.State, Phrases(
            "pensao alimenticia", "pensao de alimentos", "alimentos", "pensao do meu filho", "pensao da minha filha", "pensao dos meus filhos",
            "pensao pro meu filho", "pensao para meu filho", "pensao para o meu filho", "divorcio", "divorciar", "separacao", "guarda do",
            "guarda da", "guarda dos", "inventario", "heranca", "partilha", "usucapiao", "despejo", "aluguel", "inquilino", "crime",
            "criminal", "delegacia", "boletim de ocorrencia", "preso", "presa", "prisao", "procon", "consumidor", "forum", "vara de familia",
            "juizado especial", "pequenas causas", "uniao estavel", "adocao", "medida protetiva", "maria da penha", "curatela", "interdicao",
            "tjpa", "tjap", "justica estadual", "tribunal de justica", "pensao", "loja", "defeito", "comprei", "serasa", "spc", "negativado",
            "negativada", "nome sujo", "conta de luz", "de luz", "energia", "equatorial", "cosanpa", "operadora", "plano de saude",
            "emprestimo", "consignado", "vizinho", "ameaca", "ameacou", "queixa", "agressao", "violencia", "policia", "pai do meu filho",
            "pai da minha filha", "cartorio de registro", "certidao de nascimento", "certidao de casamento", "despejar", "dono da casa",
            "guarda compartilhada", "roubo", "furto", "assalto", "golpe", "banco", "roubaram", "furtaram", "pensao alimenticia atrasada",
            "no forum", "do forum", "pensao do", "pensao da", "pensao pro", "pensao pra")),
        (Branch.Labour, Phrases(
            "demitido", "demitida", "demissao", "rescisao", "carteira assinada", "carteira de trabalho", "patrao", "patroa", "ex patrao",
            "salario atrasado", "salarios atrasados", "horas extras", "hora extra", "verbas rescisorias", "fgts", "seguro desemprego",
            "justa causa", "reclamacao trabalhista", "processo trabalhista", "acao trabalhista", "trabalhista", "vara do trabalho",
            "justica do trabalho", "trt", "trt8", "empregador", "minha empresa", "a empresa", "minha carteira", "assinaram", "assinar a carteira",
            "salario", "salarios", "ferias", "decimo terceiro", "firma", "dono da empresa", "chefe", "mandado embora", "mandada embora",
            "demitiram", "acerto")),
        (Branch.Electoral, Phrases(
            "titulo de eleitor", "titulo eleitoral", "via do titulo", "titulo", "eleitor", "eleitora", "biometria", "mesario", "mesaria",
            "multa eleitoral", "zona eleitoral", "votar", "voto", "justificar o voto", "justificativa", "domicilio eleitoral",
            "quitacao eleitoral", "cartorio eleitoral", "e titulo", "candidato", "candidata", "candidatura", "eleicao", "eleicoes",
            "justica eleitoral", "tre", "tre pa")),
    ];

    // Words that may stand beside a command, a thank-you or a greeting without making it a request.
    private static readonly string[][] MenuFillers = Phrases("ao", "o", "a", "para", "pro");
    private static readonly string[][] ThanksFillers = Phrases(
        "muito", "pela", "ajuda", "atencao", "voce", "vc", "tudo", "de", "novo", "pelo", "atendimento", "informacao", "informacoes",
        "explicacao", "retorno", "resposta");
    /// <summary>What closes a conversation beside a thank-you: "era só isso", "já entendi", "me ajudou muito".</summary>
    private static readonly string[][] ClosingFillers = Phrases(
        "era", "so", "isso", "mesmo", "ja", "entendi", "ok", "certo", "otimo", "perfeito", "resolvido", "me", "ajudou", "ajudaram",
        "por", "enquanto", "hoje", "e", "foi", "bem", "deus", "abencoe", "ta", "to", "bom", "ah", "entao", "amem", "doutora", "doutor",
        "moca", "moco", "senhora", "senhor", "beleza", "blz", "show", "top", "certinho", "combinado", "vou", "passar", "pra", "ele", "ela",
        "amanha", "passo", "ai", "la", "eu", "segunda", "errei", "o", "a", "canal", "aguardo", "aguardar", "esperar", "espero", "fico",
        "no", "aguardando", "tranquilo", "de", "nada", "sim", "ha", "kk", "kkk", "rs");

    private static readonly string[][] GreetingFillers = Phrases("tudo", "bem", "como", "vai", "vc", "voce", "senhor", "senhora", "a", "o", "e");

    /// <summary>Asking for a person outright: with "processo" it is a clerk, not a status query.</summary>
    private static readonly string[][] AskForPersonWords = Phrases("falar", "atendente", "falar com", "alguem", "pessoa", "humano", "duvida", "recado");

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
            reading = reading with { Intent = Intent.Human, OnlyNamesUnit = true };
        }

        return (reading, unit);
    }

    public static Reading Read(string? text)
    {
        // "bom diaaa", "oiiii": letters held down count once.
        var normalized = Repeated().Replace(TextMatching.Normalize(text), "$1");
        var numbers = CnjNumber.FindAll(text);
        var malformed = numbers.Count == 0 && MalformedNumber().IsMatch(text ?? "");
        // "Qual o horário? Aliás, esquece, me manda o link": the last thing asked is what is asked.
        var asked = LastRequest(normalized);
        var words = asked.Length == 0 ? [] : asked.Split(' ');
        var all = normalized.Length == 0 ? [] : normalized.Split(' ');
        var questionMark = text?.Contains('?', StringComparison.Ordinal) == true;
        var intent = Classify(words, numbers.Count > 0 || malformed, questionMark, out var option);
        // A branch's matter needs a telling phrase ("pensão alimentícia") or two common words ("loja" and "defeito"): "o banco
        // não liberou meu alvará" or "o fórum de Marabá" alone is no state-court matter.
        var matters = MatterWords.Select(m => (m.Branch, Hits: MatterScore(words, m.Words)))
            .Where(m => m.Hits >= 2).OrderByDescending(m => m.Hits).ToList();
        return new Reading(intent, option, numbers, malformed, normalized)
        {
            Polite = Contains(words, ThanksWords),
            Greets = words.Length > 0 && Exactly([words[0]], GreetingWords),
            ChangedMind = !ReferenceEquals(asked, normalized),
            AsksStatus = Contains(words, StatusWords),
            NoNumber = Exactly(words, NoNumberWords),
            NewClaim = Exactly(words, NewClaimWords) && !Contains(words, StatusWords) && !Exactly(words, OwnCaseWords),
            NeedsJudgement = Exactly(words, JudgementWords),
            Asks = questionMark || Exactly(words, QuestionWords),
            AsksInWords = Exactly(words, QuestionWords),
            AsksForPerson = Exactly(words, PersonWords),
            NamesTopic = Exactly(words, TopicWords),
            AsksIfOfficial = (Exactly(all, OfficialWords) && !Exactly(all, OfficerWords))
                || (Exactly(all, VerifyWords) && (all.Length == 1 || OfficialChannels.Candidates(text).Count > 0)),
            MentionsPayment = MentionsPayment(all),
            // "Tem previsão para o pagamento do RPV?" asks the unit about the case, not about the wait.
            AsksAboutWait = (Exactly(all, WaitWords) && all.Length <= WaitMaxWords && !Exactly(all, TopicWords))
                || (all.Length <= CommandMaxWords && Exactly(all, ShortWaitWords)),
            DeclinesSurveys = Exactly(all, NoSurveyWords),
            // "Avisar" alone (or with the number) asks for alerts; "vão me avisar?" asks the unit something.
            AsksToFollow = !Exactly(all, StopFollowingWords) && (Exactly(all, FollowWords)
                || (Exactly(all, WarnWords) && ((all.Count(w => !w.All(char.IsAsciiDigit)) <= 3 && !questionMark) || Exactly(all, MovingWords)))),
            AsksToStopFollowing = Exactly(all, StopFollowingWords),
            SaysStop = all.Where(w => !w.All(char.IsAsciiDigit)).ToArray() is [var only] && only is "parar" or "pare" or "stop",
            AsksFollowList = Exactly(all, FollowListWords) || all is ["avisos"],
            // A hearing or an expert exam is the unit's to move: "quero remarcar a audiência" goes to a clerk.
            AsksToBook = Exactly(all, BookWords) && !Exactly(all, HearingWords) && !Exactly(all, InPersonWords) && !Exactly(all, RescheduleWords) && !Exactly(all, CancelBookingWords),
            AsksToReschedule = Exactly(all, RescheduleWords) && !Exactly(all, HearingWords) && !Exactly(all, InPersonWords),
            // "Não vou poder participar, posso remarcar?" asks for another time, not to cancel.
            AsksToCancelBooking = Exactly(all, CancelBookingWords) && !Exactly(all, HearingWords) && !Exactly(all, InPersonWords) && !Exactly(all, RescheduleWords),
            SaysCancel = all is ["cancelar"] or ["cancela"] or ["cancelar", "por", "favor"] or ["pode", "cancelar"],
            AsksMyBookings = Exactly(all, MyBookingWords) && !Exactly(all, InPersonWords),
            // The branch named most wins ("trabalho numa loja, não assinaram minha carteira" is labour), then federal before state.
            Matters = [.. matters.Select(m => m.Branch)],
            MainMatters = [.. matters.Where(m => m.Hits == matters[0].Hits).Select(m => m.Branch)],
        };
    }

    /// <summary>
    /// PIX, a boleto, a fee to release money, someone asking for money: what the fake-lawyer scam asks for. Not a fine
    /// (an electoral fine is paid by boleto), nor the citizen's own key or account for a payment to them.
    /// </summary>
    private static bool MentionsPayment(string[] all) =>
        all.Length > 0 && !Exactly(all, FineWords) && !Exactly(all, OwnKeyWords)
        && (Exactly(all, ScamPaymentWords)
            || (Exactly(all, DemandWords) && Exactly(all, ChargeWords))
            || (Exactly(all, ChargeOnlyWords) && Exactly(all, ReleaseWords)));

    private static string LastRequest(string normalized)
    {
        var padded = $" {normalized} ";
        var cut = ChangeOfMind.Select(marker => (Marker: marker, At: padded.LastIndexOf($" {marker} ", StringComparison.Ordinal)))
            .Where(m => m.At >= 0)
            .Select(m => m.At + m.Marker.Length + 2)
            .DefaultIfEmpty(-1)
            .Max();
        var rest = cut < 0 || cut >= padded.Length ? "" : padded[cut..].Trim();
        return rest.Length == 0 ? normalized : rest;
    }

    private static Intent Classify(string[] words, bool hasNumber, bool questionMark, out int? option)
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

        // "Tchau" at the end of what was said closes, whatever came before it ("ok, segunda eu volto. tchau").
        if (!questionMark && !hasNumber && words.Length <= 10 && EndsWith(words, FarewellWords))
        {
            return Intent.Exit;
        }

        // "Peticionei ontem, já juntaram?" asks about a filing made elsewhere, and "o juiz mandou eu juntar documento"
        // asks what to do: questions for the clerk, not a filing here.
        var filing = Contains(words, FilingWords) || (Exactly(words, DocumentWords) && Exactly(words, SendWords));
        var asksToSend = Exactly(words, HereWords) || Exactly(words, SendWords) || Exactly(words, HowWords);
        if (Exactly(words, FiledWords) || (filing && ((questionMark && !asksToSend) || Exactly(words, JudgementWords))))
        {
            return Intent.Human;
        }

        if (filing)
        {
            return Intent.Petition;
        }

        if (Contains(words, VideoWords))
        {
            return Exactly(words, HearingWords) ? Intent.Human : Intent.Video;
        }

        if (Contains(words, HoursWords) || Exactly(words, ContactPhrases) || (isShort && Exactly(words, ContactWords)))
        {
            return Intent.Hours;
        }

        // Thanks for what went well, without asking anything: "obrigada pelo atendimento de ontem, deu tudo certo com meu título".
        if (Contains(words, ThanksWords) && !questionMark && !hasNumber && !Contains(words, AskingWords) && !Negates(words)
            && !Exactly(words, JudgementWords))
        {
            return Intent.Thanks;
        }

        var human = Contains(words, HumanWords);
        var caseWords = Contains(words, CaseWords);

        // A number alone, with "andamento" or with "queria saber": its status. With a question a clerk answers
        // ("audiência", "alvará"): a clerk.
        if (hasNumber)
        {
            return Contains(words, SpecificHumanWords) && !Contains(words, StatusWords) ? Intent.Human : Intent.CaseStatus;
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

    /// <summary>Whether a "não" denies something ("a empresa não pagou"), beyond "nada não" (it was nothing).</summary>
    private static bool Negates(string[] words) => words.Where((w, i) => w == "nao" && (i == 0 || words[i - 1] != "nada")).Any();

    /// <summary>Whether the message ends with one of the phrases.</summary>
    private static bool EndsWith(string[] words, string[][] phrases) =>
        phrases.Any(p => p.Length <= words.Length && p.AsSpan().SequenceEqual(words.AsSpan(words.Length - p.Length)));

    /// <summary>Two for each telling phrase of the matter that occurs, one for each common one.</summary>
    private static int MatterScore(string[] words, string[][] phrases) =>
        phrases.Where(p => Exactly(words, [p])).Sum(p => WeakMatterWords.Any(w => w.SequenceEqual(p)) ? 1 : 2);

    /// <summary>Whether some phrase occurs as consecutive words spelled exactly (for words a typo would turn into others: "protocolei", "protocolar").</summary>
    private static bool Exactly(string[] words, string[][] phrases)
    {
        foreach (var phrase in phrases)
        {
            for (var i = 0; i + phrase.Length <= words.Length; i++)
            {
                if (phrase.AsSpan().SequenceEqual(words.AsSpan(i, phrase.Length)))
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
