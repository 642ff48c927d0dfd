#include "books/report.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace amanat::books {

namespace {

std::string amount(std::int64_t minor, Currency c) { return format_amount(Money{minor, c}); }

// A share as a percentage with one decimal, computed in integers ("" when there is no base).
std::string percent(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return "";
  __int128 tenths = (static_cast<__int128>(part) * 1000 + whole / 2) / whole;
  return std::to_string(static_cast<long long>(tenths / 10)) + "." + std::to_string(static_cast<long long>(tenths % 10));
}

}  // namespace

std::string csv_field(std::string_view s) {
  // A text cell a spreadsheet would run as a formula (OWASP "CSV injection": =, +, -, @, tab,
  // carriage return first) gets a leading apostrophe, which spreadsheets show as text.
  const bool formula = !s.empty() && std::string_view("=+-@\t\r").find(s.front()) != std::string_view::npos;
  bool quote = formula || s.find_first_of(",\"\n\r") != std::string_view::npos;
  if (!quote) return std::string(s);
  std::string out = formula ? "\"'" : "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

FundTotals totals_of(const FundReport& f) {
  return FundTotals{f.fund, f.currency, f.raised, f.spent, f.transfers_in, f.transfers_out, f.balance, f.donations};
}

nlohmann::ordered_json fund_json(const FundReport& f) {
  using nlohmann::ordered_json;
  ordered_json x;
  x["fund"] = f.fund;
  x["title"] = f.title;
  if (!f.case_code.empty()) x["case"] = f.case_code;
  x["restricted"] = f.restricted;
  x["status"] = f.open ? "open" : "closed";
  x["currency"] = std::string(f.currency.code());
  if (f.restricted) x["target"] = f.target;
  x["donations"] = f.donations;
  x["donors"] = f.donors;
  x["raised"] = f.raised;
  x["spent"] = f.spent;
  x["transfers_in"] = f.transfers_in;
  x["transfers_out"] = f.transfers_out;
  x["balance"] = f.balance;
  ordered_json cats = ordered_json::object();
  for (const auto& [c, v] : f.spent_by_category) cats[std::string(category_name(c))] = v;
  x["spent_by_category"] = cats;
  x["expenses"] = f.expenses;
  x["spent_with_receipt"] = f.spent_with_receipt;
  x["spent_approved"] = f.spent_approved;
  return x;
}

std::string report_json(const Report& r) {
  using nlohmann::ordered_json;
  ordered_json j;
  j["organisation"] = r.organisation;
  j["currency"] = std::string(r.currency.code());
  if (r.from || r.to) j["period"] = {{"from", r.from.value_or("")}, {"to", r.to.value_or("")}};
  j["log_size"] = r.log_size;
  j["funds"] = ordered_json::array();
  for (const auto& f : r.funds) j["funds"].push_back(fund_json(f));
  ordered_json o;
  o["donations"] = r.org.donations;
  o["donors"] = r.org.donors;
  o["income_restricted"] = r.org.income_restricted;
  o["income_unrestricted"] = r.org.income_unrestricted;
  ordered_json cats = ordered_json::object();
  for (const auto& [c, v] : r.org.expenses_by_category) cats[std::string(category_name(c))] = v;
  o["expenses_by_category"] = cats;
  o["expenses_total"] = r.org.expenses_total;
  o["restricted_net_assets"] = r.org.restricted_net_assets;
  o["unrestricted_net_assets"] = r.org.unrestricted_net_assets;
  j["organisation_statement"] = o;
  j["amounts"] = "integer minor units of each fund's currency; the statement in the organisation's currency";
  return j.dump(2) + "\n";
}

std::string report_csv(const Report& r) {
  std::string out =
      "fund,title,restricted,status,currency,target,donations,donors,raised,spent,transfers_in,transfers_out,balance";
  for (Category c : all_categories()) out += ",spent_" + std::string(category_name(c));
  out += ",expenses,spent_with_receipt_pct,spent_approved_pct\n";
  for (const auto& f : r.funds) {
    out += csv_field(f.fund) + "," + csv_field(f.title) + "," + (f.restricted ? "yes" : "no") + "," +
           (f.open ? "open" : "closed") + "," + std::string(f.currency.code()) + "," +
           (f.restricted ? amount(f.target, f.currency) : "") + "," + std::to_string(f.donations) + "," +
           std::to_string(f.donors) + "," + amount(f.raised, f.currency) + "," + amount(f.spent, f.currency) + "," +
           amount(f.transfers_in, f.currency) + "," + amount(f.transfers_out, f.currency) + "," +
           amount(f.balance, f.currency);
    for (const auto& [c, v] : f.spent_by_category) out += "," + amount(v, f.currency);
    out += "," + std::to_string(f.expenses) + "," + percent(f.spent_with_receipt, f.spent) + "," +
           percent(f.spent_approved, f.spent) + "\n";
  }
  const auto& o = r.org;
  out += "organisation," + csv_field(r.organisation) + ",,," + std::string(r.currency.code()) + ",," +
         std::to_string(o.donations) + "," + std::to_string(o.donors) + "," +
         amount(o.income_restricted + o.income_unrestricted, r.currency) + "," + amount(o.expenses_total, r.currency) +
         ",,," + amount(o.restricted_net_assets + o.unrestricted_net_assets, r.currency);
  for (const auto& [c, v] : o.expenses_by_category) out += "," + amount(v, r.currency);
  out += ",,,\n";
  return out;
}

std::string report_text(const Report& r) {
  std::string out = r.organisation + " (" + std::string(r.currency.code()) + ")";
  if (r.from || r.to) out += ", " + r.from.value_or("start") + " to " + r.to.value_or("today");
  out += ", log size " + std::to_string(r.log_size) + "\n\n";
  char line[512];
  std::snprintf(line, sizeof line, "%-16s %-6s %9s %7s %18s %18s %18s %6s %6s\n", "fund", "status", "donations",
                "donors", "raised", "spent", "balance", "rcpt%", "appr%");
  out += line;
  for (const auto& f : r.funds) {
    std::snprintf(line, sizeof line, "%-16s %-6s %9llu %7llu %18s %18s %18s %6s %6s\n", f.fund.c_str(),
                  f.open ? "open" : "closed", static_cast<unsigned long long>(f.donations),
                  static_cast<unsigned long long>(f.donors), format(Money{f.raised, f.currency}).c_str(),
                  format(Money{f.spent, f.currency}).c_str(), format(Money{f.balance, f.currency}).c_str(),
                  percent(f.spent_with_receipt, f.spent).c_str(), percent(f.spent_approved, f.spent).c_str());
    out += line;
  }
  const auto& o = r.org;
  out += "\nincome: restricted " + format(Money{o.income_restricted, r.currency}) + ", unrestricted " +
         format(Money{o.income_unrestricted, r.currency}) + "\nexpenses: " + format(Money{o.expenses_total, r.currency}) +
         "\nnet assets: restricted " + format(Money{o.restricted_net_assets, r.currency}) + ", unrestricted " +
         format(Money{o.unrestricted_net_assets, r.currency}) + "\n";
  return out;
}

}  // namespace amanat::books
