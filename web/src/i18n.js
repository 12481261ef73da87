// Interface language: English (default) or Russian, chosen by `?lang=ru` in the URL.
// Strings are keyed by their English text: t('Route') is 'Route' in English and the
// Russian entry when the page is in Russian (a missing entry falls back to English).
// Static text in index.html is marked `data-i18n` (text) / `data-i18n-attr="placeholder,title"`.

const RU = {
  // analyst panel
  'Scenario analysis': 'Анализ сценариев',
  'library scenario': 'сценарий из библиотеки',
  'planned corridors, comparisons, accessibility': 'планируемые коридоры, сравнения, доступность',
  'Library scenario': 'Сценарий из библиотеки',
  'Places compared': 'Сравниваемые пункты',
  'the 50 largest cities': '50 крупнейших городов',
  'the 100 largest cities': '100 крупнейших городов',
  'the 200 largest cities': '200 крупнейших городов',
  'Apply to the route': 'Применить к маршруту',
  'Compare places': 'Сравнить пункты',
  Accessibility: 'Доступность',
  before: 'до',
  after: 'после',
  difference: 'разница',
  gain: 'рост',
  loss: 'снижение',
  'no change': 'без изменений',
  'largest circle': 'наибольший круг',
  'market access': 'доступ к рынкам',
  'Sources and notes': 'Источники и примечания',
  expected: 'ожидается',
  'Places that gain most': 'Больше всего выигрывают',
  'No country pair changes.': 'Ни одна пара стран не меняется.',
  'Comparing\u2026': 'Сравнение\u2026',
  'Measuring accessibility\u2026': 'Расчёт доступности\u2026',
  'Plan a route first; the scenario is applied when you compare.': 'Сначала постройте маршрут; сценарий применяется при сравнении.',
  // header, form
  'freight routes across Central & South Asia': 'грузовые маршруты по Центральной и Южной Азии',
  From: 'Откуда',
  To: 'Куда',
  'City, UN/LOCODE or lat,lon': 'Город, UN/LOCODE или широта,долгота',
  'Set points by clicking the map': 'Указать точки на карте',
  'Then click the map: first click sets the origin, second the destination': 'Затем щёлкните по карте: первый щелчок — отправление, второй — назначение',
  Swap: 'Поменять',
  'Swap origin and destination': 'Поменять местами отправление и назначение',
  Modes: 'Виды транспорта',
  Road: 'Авто',
  Rail: 'Ж/д',
  Sea: 'Море',
  'Optimize for': 'Критерий',
  'Generalized cost': 'Обобщённая стоимость',
  Fastest: 'Быстрее',
  Cheapest: 'Дешевле',
  'Greenest (CO2e)': 'Меньше CO2e',
  Alternatives: 'Альтернативы',
  'Cargo (t)': 'Груз (т)',
  'Cargo value (USD)': 'Стоимость груза (USD)',
  Departure: 'Отправление',
  'Avoid countries': 'Избегать стран',
  'Avoid crossings': 'Избегать переходов',
  'ISO codes, e.g. IR, RU': 'коды ISO, напр. IR, RU',
  'crossing ids, e.g. torkham': 'id переходов, напр. torkham',
  Route: 'Маршрут',
  'Routing\u2026': 'Поиск маршрута\u2026',
  Routes: 'Маршруты',
  'Best route': 'Лучший маршрут',
  'Alternative {n}': 'Альтернатива {n}',
  Time: 'Время',
  Cost: 'Стоимость',
  Distance: 'Расстояние',
  moving: 'в пути',
  borders: 'границы',
  transfers: 'перевалки',
  hours: 'часы',
  '{n} border crossing(s): {list}': 'погранпереходов: {n}: {list}',
  none: 'нет',
  'Figures resting on defaults ({n})': 'Значения по умолчанию ({n})',
  'Countries crossed': 'Страны на пути',
  // drawer
  Itinerary: 'Маршрутный лист',
  'Time & cost profile': 'Профиль времени и стоимости',
  Collapse: 'Свернуть',
  Step: 'Этап',
  Mode: 'Вид',
  km: 'км',
  Hours: 'Часы',
  'Cum. km': 'Всего км',
  Arrival: 'Прибытие',
  Elapsed: 'С начала',
  Total: 'Итого',
  'Border: {name} ({countries})': 'Граница: {name} ({countries})',
  ', gauge change': ', смена колеи',
  'Transfer at {at}: {from} \u2192 {to} ({kind})': 'Перевалка в {at}: {from} \u2192 {to} ({kind})',
  'Cumulative time': 'Накопленное время',
  'Cumulative cost': 'Накопленная стоимость',
  'distance (km)': 'расстояние (км)',
  'border crossing (wait / fee)': 'погранпереход (ожидание / сбор)',
  'transfer (mode change / port)': 'перевалка (смена вида / порт)',
  'scenario route': 'маршрут сценария',
  'No profile for this route.': 'Нет профиля для этого маршрута.',
  // legend
  Legend: 'Легенда',
  road: 'авто',
  rail: 'ж/д',
  sea: 'море',
  ferry: 'паром',
  'Caspian ferry': 'каспийский паром',
  'selected route': 'выбранный маршрут',
  'alternative (click to select)': 'альтернатива (щёлкните, чтобы выбрать)',
  'border crossing': 'погранпереход',
  'transfer (port, terminal, gauge)': 'перевалка (порт, терминал, колея)',
  'All crossings (by status and wait)': 'Все переходы (статус и ожидание)',
  'open, wait < 6 h': 'открыт, ожидание < 6 ч',
  'open, wait 6-24 h': 'открыт, ожидание 6–24 ч',
  'open, wait > 24 h': 'открыт, ожидание > 24 ч',
  'closed / restricted': 'закрыт / ограничен',
  'Place names': 'Названия',
  'Time in hours (h) / days (d); cost in USD per shipment; CO2e in kg / t.': 'Время в часах (ч) / днях (д); стоимость в USD за отправку; CO2e в кг / т.',
  // popups
  Wait: 'Ожидание',
  Fee: 'Сбор',
  Status: 'Статус',
  At: 'На',
  Source: 'Источник',
  Basis: 'Основа',
  open: 'открыт',
  closed: 'закрыт',
  restricted: 'ограничен',
  'closed in the data': 'закрыт по данным',
  'closed in this scenario': 'закрыт в сценарии',
  'reopened in this scenario': 'открыт в сценарии',
  'Close in scenario': 'Закрыть в сценарии',
  'Reopen in scenario': 'Открыть в сценарии',
  'Avoid on routes': 'Избегать в маршрутах',
  'on the scenario route': 'на маршруте сценария',
  'Close popup': 'Закрыть окно',
  'Border crossing {name}, {countries}, wait {wait} h, fee {fee}': 'Погранпереход {name}, {countries}, ожидание {wait} ч, сбор {fee}',
  'Transfer at {at}: {kind}, {hours} h': 'Перевалка в {at}: {kind}, {hours} ч',
  'Origin: {name}': 'Отправление: {name}',
  'Destination: {name}': 'Назначение: {name}',
  // scenario
  'Scenario: what if a border closes or clears faster?': 'Сценарий: что если граница закроется или ускорится?',
  'Crossings on the best route. Close one or change its clearance time, then compare.': 'Переходы на лучшем маршруте. Закройте переход или измените время оформления, затем сравните.',
  Crossing: 'Переход',
  Closed: 'Закрыт',
  'Wait h': 'Ожид. ч',
  Compare: 'Сравнить',
  'Comparing\u2026': 'Сравнение\u2026',
  Clear: 'Сбросить',
  'Save scenario': 'Сохранить сценарий',
  'Scenario name': 'Название сценария',
  'Add another crossing\u2026': 'Добавить переход\u2026',
  'Search all border crossings': 'Поиск по всем переходам',
  'Scenario active': 'Действует сценарий',
  'Saved scenario "{name}" (id {id}, version {version}).': 'Сценарий «{name}» сохранён (id {id}, версия {version}).',
  // messages
  'Close {name}': 'Закрыть {name}',
  'Wait hours at {name}': 'Ожидание (ч) на {name}',
  'No route found.': 'Маршрут не найден.',
  'Place not found.': 'Место не найдено.',
  'Did you mean: ': 'Возможно, вы имели в виду: ',
  '{n} route(s) found. Best: {km} km, {days} days, {usd}.': 'Найдено маршрутов: {n}. Лучший: {km} км, {days} дн., {usd}.',
  // actions
  'Export GeoJSON': 'Экспорт GeoJSON',
  'Export GPX': 'Экспорт GPX',
  'Export CSV': 'Экспорт CSV',
  Share: 'Поделиться',
  Print: 'Печать',
  'Link copied to the clipboard.': 'Ссылка скопирована.',
  'Copy this link:': 'Скопируйте ссылку:',
  Map: 'Карта',
  Plan: 'План',
  'Landed cost': 'Стоимость с растаможкой',
  'duty, VAT, fees for a shipment': 'пошлина, НДС, сборы для партии',
  'Base map: Natural Earth (public domain). Figures: see each route\u2019s sources.': 'Карта: Natural Earth (общественное достояние). Цифры: см. источники маршрута.',
  Language: 'Язык',
  'Closed crossings near this trip: the routes go around them.': 'Закрытые переходы рядом с маршрутом: маршруты их объезжают.',
  'Crossings near this trip reopened in the scenario.': 'Переходы рядом с маршрутом открыты в сценарии.',
  'near {name} ({country})': 'около {name} ({country})',
  'point {deg}': 'точка {deg}',
  '+ Stop': '+ Остановка',
  'Stop {n}': 'Остановка {n}',
  'Remove stop {n}': 'Убрать остановку {n}',
  'With stops, each part is planned as its best route (no alternatives).': 'С остановками каждый участок — лучший маршрут (без альтернатив).',
};

const DICTS = { ru: RU };
export const LANGS = ['en', 'ru'];

export const lang = (() => {
  const l = new URLSearchParams(window.location.search).get('lang');
  return LANGS.includes(l) ? l : 'en';
})();
export const locale = lang === 'ru' ? 'ru-RU' : 'en-US';

/** Translate an English string; `{name}` placeholders are filled from `vars`. */
export function t(s, vars) {
  const d = DICTS[lang];
  let out = (d && d[s]) || s;
  if (vars) out = out.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return out;
}

/** Translate the static text of the page (elements marked data-i18n / data-i18n-attr). */
export function translatePage(root = document) {
  document.documentElement.lang = lang;
  if (lang === 'en') return;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.textContent.trim());
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const a of el.dataset.i18nAttr.split(',')) if (el.hasAttribute(a)) el.setAttribute(a, t(el.getAttribute(a)));
  }
  document.title = lang === 'ru' ? 'Caravan — планировщик торговых коридоров' : document.title;
}
