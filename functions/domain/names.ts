/** Names as the recipient's locale says them, from the config. Pure. */
import type { Complaint } from './complaint.ts';
import type { Department, Locale, PipelineConfig } from './config.ts';

export function companyName(config: PipelineConfig, locale: Locale): string {
  return config.company.names?.[locale] ?? config.company.name;
}

export function departmentName(department: Pick<Department, 'name' | 'names'> | undefined, locale: Locale, fallback = ''): string {
  return department ? (department.names?.[locale] ?? department.name) : fallback;
}

export function departmentNameById(config: PipelineConfig, id: string, locale: Locale): string {
  return departmentName(config.departments.find((d) => d.id === id), locale, id);
}

export function categoryName(config: PipelineConfig, id: string, locale: Locale): string {
  return config.categories.find((c) => c.id === id)?.name[locale] ?? id;
}

export function roleName(contact: { role: string; roleNames?: { 'zh-CN': string; en: string } | undefined }, locale: Locale): string {
  return contact.roleNames?.[locale] ?? contact.role;
}

/** What people see as a complaint's reference: the short `ref` when it has one, else its id. */
export function referenceOf(complaint: Pick<Complaint, 'id'> & { ref?: string | undefined }): string {
  return complaint.ref ?? complaint.id;
}
