//! Spanish (neutral, informal "tú"): every visitor-facing sentence. The examples in messages
//! (phone format, email) stay as in English: the businesses are the same.
use super::{PerField, Strings};

/// Said by the widget before it sends, and by the server when a request arrives without it.
const CONSENT_REQUIRED: &str = "Marca la casilla para aceptar antes de enviar, por favor.";

pub static STRINGS: Strings = Strings {
    book: "Reservar una cita",
    assistant: "Asistente de reservas",
    assistant_for: "Asistente de reservas de {business}",
    close: "Cerrar",
    placeholder: "Escribe tu respuesta…",
    send: "Enviar",
    send_request: "Enviar solicitud",
    sending: "Enviando tu solicitud…",
    start_over: "Empezar de nuevo",
    try_again: "Volver a intentarlo",
    skip: "Omitir",

    greeting: "¡Hola! Puedo ayudarte a reservar en {business}. ¿Qué te gustaría \
               reservar?",
    ask_service: "¿Qué servicio te gustaría reservar?",
    ask_time: "¿Cuándo te gustaría venir? Basta con un día o una franja horaria \
               — {provider} te mostrará la disponibilidad real.",
    ask_time_request_only: "¿Cuándo te gustaría venir? Basta con un día o una \
                            franja horaria — {business} te confirmará una hora.",
    ask_name: "¿Cómo te llamas?",
    ask_contact: "¿Cuál es el mejor email o teléfono para contactarte?",
    ask_notes: "¿Algo más que {business} deba saber? Es opcional — por favor, no \
                compartas datos de tarjetas ni información médica.",
    need_service: "Dinos qué servicio te gustaría, por favor.",
    need_time: "Dinos qué día u hora te viene bien, por favor.",
    heard: "Entendido: {heard}.",
    summary_intro: "Esta es tu solicitud. Revísala antes de enviarla.",
    sent: "Tu solicitud se ha enviado.",
    rate_limited: "Demasiadas solicitudes. Espera un minuto y vuelve a intentarlo.",

    prompt_service: "¿Qué te gustaría reservar?",
    prompt_time: "Día u hora preferidos",
    prompt_name: "Tu nombre",
    prompt_contact: "Tu email o teléfono",
    prompt_notes: "Notas (opcional)",

    the_booking_page: "la página de reservas",
    call: "Llamar al {phone}",
    email: "Escribir a {email}",
    reach_questions: "¿Tienes preguntas? Puedes contactar directamente con {business}:",
    reach: "Puedes contactar directamente con {business}:",
    contact_business: "O contacta con el negocio:",
    frame_blocked: "Esta página de reservas no se puede mostrar dentro de este sitio, así \
                    que se abre en esta pestaña.",
    frame_failed: "La página de reservas no se ha cargado aquí. Usa el botón para \
                   abrirla en esta pestaña.",
    open_frame: "Abrir página de reservas",
    broken: "Lo sentimos, el asistente de reservas no funciona en este momento. Aún puedes \
             reservar directamente:",
    open_booking_page: "Abrir la página de reservas",

    booking_unavailable: "La reserva online no está disponible en este momento.",
    capture_failed: "Lo sentimos, no hemos podido guardar tu solicitud. Aún puedes reservar \
                     directamente:",
    continue_to_booking: "Continuar con la reserva",
    raw_link: "Si la página de reservas no se abre, toca aquí",
    handoff: "Completarás tu reserva en {provider}. Aquí estaremos si necesitas ayuda.",
    request_only: "¡Gracias! {business} se pondrá en contacto contigo para acordar una \
                   hora. Esto es una solicitud, no una reserva confirmada.",

    name_required: "Dinos tu nombre, por favor.",
    name_needs_letters: "Escribe un nombre con letras, por favor.",
    email_invalid: "Escribe un email válido, como nombre@ejemplo.com.",
    phone_invalid: "Escribe un teléfono válido, como (555) 123-4567.",
    phone_looks_like_card: "Eso parece un número de tarjeta. Nunca necesitamos datos de \
                            tarjetas — escribe un número de teléfono, por favor.",
    contact_required: "Danos un email o un teléfono para que el negocio pueda contactarte.",
    consent_required: CONSENT_REQUIRED,
    too_long: PerField {
        name: "Por favor, no pases de 100 caracteres.",
        email: "Por favor, no pases de 254 caracteres.",
        phone: "Por favor, no pases de 32 caracteres.",
        service: "Por favor, no pases de 120 caracteres.",
        time: "Por favor, no pases de 200 caracteres.",
        notes: "Por favor, no pases de 1000 caracteres.",
        source_page: "Por favor, no pases de 500 caracteres.",
        industry: "Por favor, no pases de 60 caracteres.",
    },
    labels: PerField {
        name: "Nombre",
        email: "Correo electrónico",
        phone: "Teléfono",
        service: "Servicio",
        time: "Horario preferido",
        notes: "Notas",
        source_page: "Página de origen",
        industry: "Sector",
    },
};

#[cfg(feature = "server")]
pub static PAGES: super::Pages = super::Pages {
    book_with: "Reserva en {business}",
    intro_external: "Cuéntanos qué te gustaría y después continuarás en \
                     {provider} para elegir una hora y completar tu reserva.",
    intro_request_only: "Envía una solicitud y {business} se pondrá en contacto contigo \
                         para acordar una hora.",
    hint_service: "(¿qué te gustaría?)",
    hint_time: "(basta con un día o una franja horaria)",
    hint_contact: "(email o teléfono)",
    hint_optional: "(opcional)",
    no_card: "No incluyas números de tarjeta ni información médica, por favor.",
    continue_button: "Continuar",
    use_this_form: "Usa el formulario de esta página, por favor.",
    check_fields: "Revisa los campos marcados, por favor.",
    done_title: "Un paso más",
    request_sent: "Solicitud enviada",
    sorry: "Lo sentimos",
    book_on: "Reservar en {provider}",
    not_saved_title: "Solicitud de reserva no guardada",
    unavailable_title: "Reserva online no disponible",
    server_error: "Algo ha fallado por nuestra parte. Vuelve a intentarlo en un momento.",
    too_large: "La solicitud es demasiado grande (el límite es de {limit} bytes).",
    not_found_title: "Página no encontrada",
    not_found: "No hay nada en esta dirección.",
    link_unavailable_title: "Enlace de reserva no disponible por ahora",
    link_unavailable_heading: "No hemos podido abrir la página de reservas",
    link_unavailable: "Vuelve a probar el enlace en un momento. Si sigue fallando, vuelve a la \
                       web del negocio y contacta directamente con ellos.",
    link_not_found_title: "Enlace de reserva no encontrado",
    link_not_found_heading: "Este enlace de reserva no es válido",
    link_not_found: "Puede que el enlace esté incompleto o caducado. Vuelve a la web del \
                     negocio y pulsa «Reservar» otra vez, o contacta directamente con el negocio.",
    prefetch_title: "Abre el enlace para continuar",
    prefetch_heading: "Abre el enlace para continuar con la reserva",
    prefetch: "Este enlace solo se sigue cuando lo abres.",
    consent_default: "Acepto que este negocio guarde mis datos y me contacte sobre mi reserva.",
    consent_required: CONSENT_REQUIRED,
};
