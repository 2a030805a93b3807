"""What a visitor reads when the data cannot be read: short, no server paths, no exception text
(the detail goes to the server log; see ``ui.state.friendly_errors``)."""

TEXT = {
    "wh_unavailable_busy": {
        "ru": "Данные обновляются, повторите через минуту.",
        "en": "The data are being updated; try again in a minute.",
    },
    "wh_unavailable_broken": {
        "ru": "Данные сейчас недоступны: хранилище не читается. Повторите позже.",
        "en": "The data are unavailable right now: the warehouse cannot be read. Try again later.",
    },
    "config_error": {
        "ru": "Приложение неверно настроено, данные недоступны. Повторите позже.",
        "en": "The app is misconfigured and the data are unavailable. Try again later.",
    },
}
