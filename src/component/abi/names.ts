// Names of record fields, flags members and exports in JavaScript: the WIT name, or with
// `names: 'camel'` the lowerCamelCase jco uses (heck's convention: the first word all lower
// case, each following word capitalised, so `http-URL-parts` → `httpUrlParts`).

export function toCamelCase(name: string): string {
  const words = name.split('-');
  let out = words[0].toLowerCase();
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (w.length > 0) out += w[0].toUpperCase() + w.slice(1).toLowerCase();
  }
  return out;
}
