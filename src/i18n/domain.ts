/**
 * The domain's own names in the reader's language: tiers, lifecycle stages, exit patterns, RFM
 * segments, risk levels, customer types, complaint categories (churn causes), priorities and
 * statuses. Codes stay English in data (CSV, JSON, the database); these are for people.
 * docs/glossary.md maps each term to its code and both languages.
 */
import { currentLang, t, type Lang } from './index.js';

export function tierName(code: string): string {
  switch (code) {
    case 'platinum':
      return t('domain.tier.platinum');
    case 'gold':
      return t('domain.tier.gold');
    case 'iron':
      return t('domain.tier.iron');
    case 'lead':
      return t('domain.tier.lead');
    default:
      return code;
  }
}

export function stageName(code: string): string {
  return stageNameIn(code, currentLang());
}

/** A stage's name in a given language: for a sentence worded in another language than the reader's (the English that is stored). */
export function stageNameIn(code: string, lang: Lang): string {
  switch (code) {
    case 'exploration':
      return t('domain.stage.exploration', undefined, lang);
    case 'formation':
      return t('domain.stage.formation', undefined, lang);
    case 'stability':
      return t('domain.stage.stability', undefined, lang);
    case 'decline':
      return t('domain.stage.decline', undefined, lang);
    case 'ended':
      return t('domain.stage.ended', undefined, lang);
    default:
      return code;
  }
}

export function exitPatternName(code: string): string {
  switch (code) {
    case 'early abort':
      return t('domain.exit.early-abort');
    case 'mid-way failure':
      return t('domain.exit.mid-way-failure');
    case 'early exit':
      return t('domain.exit.early-exit');
    case 'long-term':
      return t('domain.exit.long-term');
    default:
      return code;
  }
}

/** A default RFM segment's name; a segment the shop named itself (rapport config) is shown as written. */
export function segmentName(name: string, lang: Lang = currentLang()): string {
  switch (name) {
    case 'Champions':
      return t('domain.segment.champions', undefined, lang);
    case 'Loyal':
      return t('domain.segment.loyal', undefined, lang);
    case 'Need Attention':
      return t('domain.segment.need-attention', undefined, lang);
    case 'Potential Loyalist':
      return t('domain.segment.potential-loyalist', undefined, lang);
    case 'New':
      return t('domain.segment.new', undefined, lang);
    case 'Promising':
      return t('domain.segment.promising', undefined, lang);
    case 'About to Sleep':
      return t('domain.segment.about-to-sleep', undefined, lang);
    case "Can't Lose Them":
      return t('domain.segment.cant-lose-them', undefined, lang);
    case 'At Risk':
      return t('domain.segment.at-risk', undefined, lang);
    case 'Hibernating':
      return t('domain.segment.hibernating', undefined, lang);
    case 'Lost':
      return t('domain.segment.lost', undefined, lang);
    case 'Other':
      return t('domain.segment.other', undefined, lang);
    default:
      return name;
  }
}

export function riskName(code: string): string {
  switch (code) {
    case 'low':
      return t('domain.risk.low');
    case 'medium':
      return t('domain.risk.medium');
    case 'high':
      return t('domain.risk.high');
    default:
      return code;
  }
}

export function customerTypeName(code: string): string {
  switch (code) {
    case 'consumer':
      return t('domain.type.consumer');
    case 'business':
      return t('domain.type.business');
    case 'channel':
      return t('domain.type.channel');
    case 'internal':
      return t('domain.type.internal');
    default:
      return code;
  }
}

/** A complaint category: the churn cause it records (domain notes section 7). */
export function categoryName(code: string): string {
  switch (code) {
    case 'price':
      return t('domain.category.price');
    case 'product':
      return t('domain.category.product');
    case 'service':
      return t('domain.category.service');
    case 'technology':
      return t('domain.category.technology');
    case 'promotion':
      return t('domain.category.promotion');
    case 'demand':
      return t('domain.category.demand');
    case 'management':
      return t('domain.category.management');
    case 'political':
      return t('domain.category.political');
    case 'other':
      return t('domain.category.other');
    default:
      return code;
  }
}

export function priorityName(code: string): string {
  switch (code) {
    case 'urgent':
      return t('domain.priority.urgent');
    case 'high':
      return t('domain.priority.high');
    case 'normal':
      return t('domain.priority.normal');
    case 'low':
      return t('domain.priority.low');
    default:
      return code;
  }
}

export function statusName(code: string): string {
  switch (code) {
    case 'open':
      return t('domain.status.open');
    case 'in_progress':
      return t('domain.status.in_progress');
    case 'resolved':
      return t('domain.status.resolved');
    case 'closed':
      return t('domain.status.closed');
    default:
      return code;
  }
}

/** A point of the complaint record (domain notes section 7), by the column that holds it. */
export function complaintFieldName(code: string): string {
  switch (code) {
    case 'summary':
      return t('domain.complaint.summary');
    case 'how':
      return t('domain.complaint.how');
    case 'product':
      return t('domain.complaint.product');
    case 'why':
      return t('domain.complaint.why');
    case 'staff':
      return t('domain.complaint.staff');
    case 'other_issues':
      return t('domain.complaint.other_issues');
    case 'reasonable':
      return t('domain.complaint.reasonable');
    case 'wanted':
      return t('domain.complaint.wanted');
    case 'new_customer':
      return t('domain.complaint.new_customer');
    default:
      return code;
  }
}

/** The measures and roles the tool is built on (domain notes sections 1, 4, 6), by their column or field. */
export function termName(code: string): string {
  switch (code) {
    case 'clv':
      return t('domain.term.clv');
    case 'churn_risk':
      return t('domain.term.churn_risk');
    case 'churn_rate':
      return t('domain.term.churn_rate');
    case 'value_at_risk':
      return t('domain.term.value_at_risk');
    case 'account_manager':
      return t('domain.term.account_manager');
    case 'complaint':
      return t('domain.term.complaint');
    default:
      return code;
  }
}
