#!/usr/bin/env python3
"""Writes eval/names.tsv: the labelled evaluation set (run once; the TSV is the artefact).

Positives are derived from listed DPRK names (OFAC/UN snapshot and the curated
fixture eval/curated-dprk-it.csv): the Hangul spelling (written by hand from the
romanised name), its Revised Romanisation (computed here independently of the
Rust code), South Korean surname habits, hyphenated / fused / reordered forms,
deterministic one-letter typos, plus hand-written aliases, company-suffix and
spelling-pair rows. Negatives are hand-written.
Columns: query, dob (YYYY[-MM[-DD]] or -), country (alpha-2 or -), kind, expected ids (| separated) or -, category.
"""
import unicodedata

RR_I = ["g","kk","n","d","tt","r","m","b","pp","s","ss","","j","jj","ch","k","t","p","h"]
RR_M = ["a","ae","ya","yae","eo","e","yeo","ye","o","wa","wae","oe","yo","u","wo","we","wi","yu","eu","ui","i"]
RR_F = ["","k","k","k","n","n","n","t","l","k","m","l","l","l","p","l","m","p","p","t","t","ng","t","t","k","t","p","t"]
def rr(syl):
    s = ord(syl) - 0xAC00
    return RR_I[s // 588] + RR_M[(s % 588) // 28] + RR_F[s % 28]

SK_SURNAME = {"김":"Kim","이":"Lee","리":"Lee","박":"Park","최":"Choi","정":"Jung","유":"Yoo","류":"Ryu","조":"Cho",
  "강":"Kang","장":"Jang","한":"Han","오":"Oh","신":"Shin","윤":"Yoon","임":"Lim","림":"Lim","황":"Hwang","송":"Song",
  "손":"Son","허":"Heo","고":"Ko","문":"Moon","배":"Bae","백":"Baek","양":"Yang","현":"Hyun","곽":"Kwak","구":"Koo",
  "주":"Joo","차":"Cha","지":"Ji","길":"Gil","민":"Min","방":"Bang","우":"Woo","염":"Yeom","명":"Myung","전":"Jeon",
  "심":"Shim","홍":"Hong","노":"Noh","하":"Ha","남":"Nam","심":"Shim","용":"Yong"}

# (hangul, listed romanisation as published, expected ids, dob of the listed person or "")
PEOPLE = [
 ("김영철","KIM Yong Chol","17614|12211|KPi.024","1962-02-18"),
 ("김정은","KIM Jong Un","20157","1984-01-08"),
 ("김여정","KIM Yo Jong","21444","1989-09-26"),
 ("최룡해","CHOE Ryong Hae","23213","1950-01-15"),
 ("박진혁","PAK Jin Hyok","24918","1984-08-15"),
 ("정성화","JONG Song Hwa","24979","1970-02-05"),
 ("김상만","KIM Sang Man","IT-002",""),
 ("심현섭","SIM Hyon Sop","IT-003",""),
 ("손경식","SON Kyong Sik","IT-008",""),
 ("송금혁","SONG Kum Hyok","IT-009",""),
 ("윤성국","YUN Song Guk","IT-010",""),
 ("김세운","KIM Se Un","IT-014",""),
 ("조경훈","JO Kyong Hun","IT-015",""),
 ("명철민","MYONG Chol Min","IT-016",""),
 ("우영수","U Yong Su","IT-019",""),
 ("장국철","JANG Kuk Chol","IT-021",""),
 ("허영철","HO Yong Chol","IT-022",""),
 ("한홍길","HAN Hong Gil","IT-023",""),
 ("정성혁","JONG Sung Hyok","IT-024",""),
 ("최춘범","CHOE Chun Pom","IT-025",""),
 ("리진혁","RI Jin Hyok","IT-026",""),
 ("허정선","HO Jong Son","IT-007",""),
 ("정인철","JONG In Chol","IT-036",""),
 ("장영선","JANG Yong Son","17615|KPi.017","1957-02-20"),
 ("류진","RYU Jin","17616|KPi.027","1965-08-07"),
 ("리원호","RI Won Ho","19609|KPi.033","1964-07-17"),
 ("조영철","JO Yong Chol","19610|KPi.034","1973-09-30"),
 ("김석철","KIM Sok Chol","17622|KPi.036","1955-05-08"),
 ("황수만","HWANG Su Man","18552","1955-04-06"),
 ("리만건","RI Man Gon","19491|KPi.026","1945-10-29"),
 ("최휘","CHOE Hwi","21306|KPi.042","1954"),
 ("리재일","RI Jae Il","20127|KPi.051","1934"),
 ("김원홍","KIM Won Hong","21443","1945-07-17"),
 ("박봉남","PAK Bong Nam","22994|KPi.073","1969-05-06"),
 ("한장수","HAN Jang Su","KPi.055","1969-11-07"),
 ("장범수","JANG Bom Su","KPi.016","1958-02-22"),
 ("김동명","KIM Tong Myong","KPi.023","1964"),
 ("고태훈","KO Tae Hun","KPi.025","1972-05-25"),
 ("김영수","KIM Yong Su","21743","1969-02-09"),
 ("리수용","RI Su Yong","KPi.052","1968-06-25"),
 ("박도춘","PAK To Chun","KPi.050","1944-03-09"),
 ("최춘식","CHOE Chun Sik","KPi.013","1954-10-12"),
 ("윤호진","YUN Ho Jin","KPi.001","1944-10-13"),
 ("백창호","PAEK Chang Ho","KPi.006","1964-06-18"),
 ("현광일","HYON Kwang Il","KPi.015","1961-05-27"),
 ("전명국","JON Myong Guk","KPi.018","1976-08-25"),
 ("강문길","KANG Mun Kil","KPi.019|19499","1963-02-09"),
 ("손정혁","SON Jong Hyok","KPi.031","1980-05-20"),
 ("김세건","KIM Se Gon","KPi.032","1969-11-13"),
 ("민병철","MIN Byong Chol","21305|KPi.047","1948-08-10"),
 ("장성철","JANG Song Chol","17620|KPi.056","1967-03-12"),
 ("강철수","KANG Chol Su","KPi.059","1969-02-13"),
 ("김문철","KIM Mun Chol","21745|KPi.060","1957-03-25"),
 ("최석민","CHOE Sok Min","23001|KPi.064","1978-07-25"),
 ("고철만","KO Chol Man","22990|KPi.069","1967-09-30"),
 ("구자형","KU Ja Hyong","23017|KPi.070","1957-09-08"),
 ("문경환","MUN Kyong Hwan","22997|KPi.071","1967-08-22"),
 ("배원욱","PAE Won Uk","22987|KPi.072","1969-08-22"),
 ("리춘환","RI Chun Hwan","22993|KPi.074","1957-08-21"),
 ("리성혁","RI Song Hyok","22326|KPi.077","1965-03-19"),
 ("리은성","RI Un Song","23013|KPi.078","1969-07-23"),
 ("박문일","PAK Mun Il","23011|KPi.079","1965-01-01"),
 ("정경택","JONG Kyong Thaek","23212","1962"),
 ("신영일","SIN Yong Il","23087","1948-02-28"),
 ("구승섭","KU Sung Sop","23089","1959-11-07"),
 ("김민철","KIM Min Chol","23092","1967-09-21"),
 ("백종삼","PAEK Jong Sam","23484","1964-01-17"),
 ("정만복","JONG Man Bok","23504","1958-12-23"),
 ("양태철","RYANG Tae Chol","23512","1969-01-07"),
 ("박광훈","PAK Kwang Hun","23516","1970"),
 ("리정원","RI Jong Won","24607","1971-04-22"),
 ("염희봉","RYOM Hui Bong","22999","1961-09-18"),
 ("곽정철","KWAK Jong Chol","22998","1975-01-01"),
 ("김혁철","KIM Hyok Chol","22995|KPi.023","1978-07-09"),
 ("차승준","CHA Sung Jun","23012","1966-06-04"),
 ("방수남","PANG Su Nam","22984","1964-10-01"),
 ("오국렬","O Kuk Ryol","15771","1930-01-07"),
 ("길정훈","KIL Jong Hun","17619","1972-02-20"),
 ("유광호","YU Kwang Ho","17625","1956-10-18"),
 ("김광혁","KIM Kwang Hyok","18848","1970-04-20"),
 ("황병서","HWANG Pyong So","19496","1940"),
 ("박영식","PAK Yong Sik","19497|KPi.063","1950"),
 ("조연준","CHO Yon Chun","20124|KPi.041","1937-09-28"),
 ("강성남","KANG Song Nam","20130","1962-07-28"),
 ("조춘룡","CHO Chun Ryong","20577|KPi.038","1960-04-04"),
 ("강필훈","KANG Pil Hun","21304","1943-06-11"),
 ("최부일","CHOE Pu Il","20120","1944-03-06"),
 ("김수광","KIM Su Kwang","22286","1976-08-18"),
]

# listed people with a same-named entry that has no date of birth (OFAC 19499 KANG, Mun-kil)
NO_DOB_TWIN = {"KANG Mun Kil"}

def typo(s):
    # deterministic: drop the second-to-last letter of the longest word, or swap two letters
    words = s.split()
    i = max(range(len(words)), key=lambda k: len(words[k]))
    w = words[i]
    if len(w) >= 5:
        w = w[:-2] + w[-1]
    elif len(w) >= 3:
        w = w[0] + w[2] + w[1] + w[3:]
    words[i] = w
    return " ".join(words)

rows = []
def add(q, exp, cat, dob="-", country="-", kind="any"):
    rows.append((q, dob or "-", country, kind, exp or "-", cat))

for i, (hg, listed, ids, dob) in enumerate(PEOPLE):
    fam, given = hg[0], hg[1:]
    fam_rr = rr(fam).capitalize()
    given_rr = [rr(c) for c in given]
    parts = listed.split()
    lfam, lgiven = parts[0].capitalize(), parts[1:]
    add(hg, ids, "hangul", kind="person" if i % 3 == 0 else "any")
    add(f"{fam_rr} {'-'.join(given_rr).capitalize()}", ids, "rr-romanisation")
    sk = SK_SURNAME.get(fam, fam_rr)
    add(f"{''.join(given_rr).capitalize()} {sk}", ids, "sk-spelling-reordered")
    add(f"{lfam} {''.join(lgiven).lower().capitalize()}", ids, "fused-given-name")
    add(f"{' '.join(lgiven)} {lfam.upper()}", ids, "reordered")
    add(typo(f"{lfam} {' '.join(lgiven)}"), ids, "typo")
    if dob and i % 2 == 0:
        add(f"{lfam}, {'-'.join(g.lower() for g in lgiven).capitalize()}", ids, "dob-consistent", dob=dob)
    # a namesake with another birth year is a negative only if every listed twin has a date
    if dob and len(dob) >= 4 and listed not in NO_DOB_TWIN:
        other = int(dob[:4]) + (31 if int(dob[:4]) < 1980 else -22)
        add(f"{lfam} {' '.join(lgiven)}", "", "namesake-other-dob", dob=str(other) + dob[4:])
        if i % 3 == 0:
            add(hg, "", "namesake-other-dob-hangul", dob=str(other))

# hand-written positives: aliases, spelling pairs, suffixes, other scripts, entities
HAND_POS = """\
Jinyong IT Cooperation Company	IT-001	spelling-pair
Chinyong Information Technology Cooperation Co.	IT-001	suffix
Jinyoung Information Technology Cooperation	IT-001	spelling-pair
Yanbian Silver Star Network Technology Co Ltd	24977	spelling-pair
Yanbian Silverstar	24977	alias
China Silver Star	24977	alias-partial
Volasys Silverstar	24978	spelling-pair
VOLASYS SILVER STAR LLC	24978	suffix
Alice LLC	IT-004	spelling-pair
Alis Limited Liability Company	IT-004	suffix
Ho Chong Son	IT-007	spelling-pair
Heo Jeong-seon	IT-007	rr-romanisation
Song Kyong Sik	IT-008	spelling-pair
Song Guk Yun	IT-010	alias
Yoon Sung Kook	IT-010	sk-spelling
Shenyang Kumpungri Network Technology Co., Ltd.	IT-005	spelling-pair
Shenyang Geumpungri Network Technology	IT-005	suffix
Korea Sobaeksu Trading Corporation	IT-006	suffix
Sobaeksu Trading Company	IT-006	suffix
Amnokgang Technology Development Co	IT-011	suffix
Amrokgang Technology Development Company	IT-011	spelling-pair
Korea Osong Shipping Company Limited	IT-012	suffix
Chonsurim Trading Corp	IT-013	suffix
Korea Mangyongdae Computer Technology Co	IT-018	suffix
Mangyongdae Computer Technology Company	IT-018	suffix
Ryujong Credit Bank	IT-020	exact
Ryugyong Commercial Bank	23005	exact
Korea Songkwang Trading General Corp	IT-027	suffix
Korea Saenal Trading Corp	IT-028	suffix
Korea Sinjin Trading Corp.	IT-029	suffix
Gaik Asatrian	IT-031	typo
Гайк Асатрян	IT-031	cyrillic
Андреев Виталий Сергеевич	IT-034	cyrillic
Vitaly Andreev	IT-034	transliteration
Asatryan LLC	IT-032	exact
Green Alpine Trading L.L.C.	IT-039	suffix
Quang Viet Nguyen	IT-038	reordered
Korea Mining Development Trading Corporation	9345|KPe.001	exact
KOMID	KPe.001	alias
Korea Tangun Trading Corp	11599|KPe.008	suffix
Korea Kwangson Banking Corp	KPe.025|11581	suffix
Kwangson Banking Corporation	KPe.025|11581	suffix
Reconnaissance General Bureau	12210|KPe.031	exact
Chongchal Chongguk	12210|KPe.031	alias
Green Pine Associated Corp	12212|KPe.010	suffix
Daesong Bank	12312|KPe.035	alias
Bank of East Land	12696|KPe.013	exact
Dongbang Bank	12696|KPe.013	alias
Foreign Trade Bank of the DPRK	15603|KPe.047	alias-partial
Mooyokbank	15603|KPe.047	alias
Chong Chon Gang Shipping Co Ltd	17067|KPe.022	alias
Ocean Maritime Management Co Ltd	17068|KPe.020	suffix
Korea Computer Center	22323	exact
Chosun Expo Joint Venture	24917	alias
Lazarus Group	27307	exact
Bluenoroff	27308	exact
Blue Noroff	27308	fused
Andariel	27309	exact
Air Koryo	20520	exact
Airkoryo	20520	alias
Korea Daizin Trading Corporation	28546	exact
Korea Taejin Trading	28546	alias
Mansudae Overseas Project Group	20578|KPe.050	suffix
Mansudae Art Studio	20578|KPe.050	alias
Korea Ryonbong General Corp	KPe.002	suffix
Tanchon Commercial Bank	KPe.003	exact
Korea Hyoksin Trading Corporation	KPe.006	exact
Korea Heungjin Trading Co	KPe.011	suffix
Daedong Credit Bank	KPe.023	alias
Taedong Credit Bank	KPe.023	alias
Munitions Industry Department	KPe.028	exact
Koryo Credit Development Bank	20569|KPe.049	exact
Cheil Credit Bank	22985	exact
First Credit Bank	22985	alias
Hana Banking Corporation	22986	suffix
Korea Kumbyol Trading Co	23183	suffix
Paeksol Trading Corporation	21724	exact
Baeksol Trading	21724	alias
Jin Tiesan	KPi.035	alias
金铁三	KPi.035	han
金正恩	20157	han-sino-korean
Kim Jong-un	20157	hyphen
Kim Jong Eun	20157	rr-romanisation
Kim Chong Un	20157	mr-romanisation
Gim Jeong-eun	20157	rr-romanisation
Kim Yo-jong	21444	hyphen
Kim Yeo-jeong	21444	rr-romanisation
Choe Ryong-hae	23213	hyphen
Choi Ryong Hae	23213	sk-spelling
Park Jin Hyok	24918	exact
Pak Jin Hek	24918	alias
Kim Hyon U	24918	alias
Jang Myong Jin	KPi.007	alias
Ra Kyong Su	KPi.008	alias
Chang Myong Ho	KPi.008	alias
Ri U'n So'ng	23013|KPi.078	mr-apostrophes
RI U’N SO’NG	23013|KPi.078	mr-apostrophes
Rhee Eun Sung	23013|KPi.078	sk-spelling
Yi Eun-seong	23013|KPi.078	rr-romanisation
Lee Seong Hyeok	22326|KPi.077	sk-spelling
Ch'oe Ch'un-yo'ng	21747|KPi.054	mr-apostrophes
Choe Chun Yong	21747|KPi.054	exact
Cho Il Woo	19791|KPi.040	alias
Chang-Su Han	KPi.055	alias
Kim Kyong Ok	20125|KPi.045	exact
Kim Chol Sam	KPi.035	exact
Son Min	KPi.031	alias-short-name
Kang Myong Chol	KPi.049	alias
Kim Myong Gi	KPi.025	alias
Pak Chang-ho	KPi.006	alias
Kim Il Nam	21327	exact
Tian Yinyin	28263	exact
Li Jiadong	28264	exact
Jiadong Li	28264	reordered
Li Hong Ri	22609	exact
Ri Hong Il	22609	alias
Chi Yupeng	22612	exact
Sun Sidong	23170	exact
Huang Wang Ken	26927	exact
Tsang Yung Yuan	23823|KPi.080	exact
Neil Tsang	23823|KPi.080	alias
Vasiliy Kolchanov	24517	reordered
Колчанов Василий Александрович	24517	cyrillic
Irina Huish	22611	reordered
Mikhail Pisklin	22610	reordered
"""
for line in HAND_POS.strip().splitlines():
    q, exp, cat = line.split("\t")
    add(q, "" if exp == "-" else exp, cat)

NEG_PEOPLE = """Lee Min-ho;Son Heung-min;Park Ji-sung;Kim Yuna;Bae Suzy;Jung Hae-in;Kim Soo-hyun;Park Seo-joon;
Lee Jae-myung;Yoon Suk-yeol;Moon Jae-in;Ban Ki-moon;Kim Tae-hee;Song Hye-kyo;Song Joong-ki;Hyun Bin;Gong Yoo;
Lee Byung-hun;Jun Ji-hyun;Park Chan-wook;Bong Joon-ho;Choi Min-sik;Lee Jung-jae;Jung Ho-yeon;Park Hae-soo;
Kim Yeon-koung;Ryu Hyun-jin;Choo Shin-soo;Hwang Hee-chan;Kim Min-jae;Lee Kang-in;Cho Gue-sung;Kwon Soon-woo;
Shin Min-a;Han So-hee;Jang Won-young;Kim Ji-won;Seo Ye-ji;Ahn Hyo-seop;Nam Joo-hyuk;Kim Seon-ho;Yoo Ah-in;
Ha Jung-woo;Ma Dong-seok;Lee Sun-kyun;Kim Hye-soo;Jeon Do-yeon;Go Youn-jung;Kim Go-eun;Park Bo-gum;
Cha Eun-woo;Lee Do-hyun;Kim Da-mi;Choi Woo-shik;Lee Seung-gi;Kim Woo-bin;Park Min-young;Lee Ji-eun;
Kim Nam-joon;Jeon Jung-kook;Min Yoon-gi;Kim Seok-jin;Park Ji-min;Kim Tae-hyung;Lee Hyo-ri;Yoo Jae-suk;
Kang Ho-dong;Shin Dong-yup;Lee Kyung-kyu;Park Myung-soo;Jung Joon-ha;Noh Hong-chul;Haha Ha Dong-hoon;
Kim Jong-kook;Song Ji-hyo;Lee Kwang-soo;Ji Suk-jin;Kim Jae-joong;Choi Si-won;Lee Dong-wook;Gong Hyo-jin;
이민호;손흥민;박지성;김연아;정해인;김수현;박서준;이재명;윤석열;문재인;반기문;송혜교;현빈;공유;이병헌;
봉준호;최민식;이정재;정호연;류현진;황희찬;김민재;이강인;한소희;장원영;유재석;강호동;김태희;전지현;박보검""".replace("\n", "")
for q in NEG_PEOPLE.split(";"):
    add(q.strip(), "", "neg-south-korean", kind="person")

NEG_CN = """Wang Wei;Li Na;Zhang Hua;Liu Yang;Chen Jie;Zhou Xun;Yao Ming;Ma Yun;Wang Fang;Li Qiang;Zhang Min;
Liu Jing;Yang Lei;Huang Bo;Zhao Lei;Wu Jing;Xu Zheng;Sun Li;Hu Ge;Guo Jingjing;Lin Dan;He Jiong;Gao Yuanyuan;
Luo Zhixiang;Zheng Shuang;Liang Chaowei;Song Jia;Tang Wei;Deng Chao;Feng Xiaogang;王伟;李娜;张华;刘洋;陈杰;
周迅;姚明;马云;王芳;李强;黄渤;赵磊;吴京;孙俪;胡歌;林丹""".replace("\n", "")
for q in NEG_CN.split(";"):
    add(q.strip(), "", "neg-chinese", kind="person")

NEG_OTHER = """John Smith;Maria Garcia;David Johnson;Emily Brown;Michael Miller;Sarah Wilson;James Taylor;Jennifer Davis;
Robert Anderson;Linda Thomas;William Jackson;Elizabeth White;Thomas Harris;Jessica Martin;Daniel Thompson;
Karen Martinez;Matthew Robinson;Nancy Clark;Anthony Rodriguez;Lisa Lewis;Mark Lee;Steven Walker;Paul Hall;
Andrew Allen;Joshua Young;Kevin King;Brian Wright;George Scott;Edward Green;Ronald Baker;Timothy Adams;
Jason Nelson;Jeffrey Hill;Ryan Campbell;Jacob Mitchell;Gary Roberts;Nicholas Carter;Eric Phillips;
Jonathan Evans;Stephen Turner;Larry Torres;Justin Parker;Scott Collins;Brandon Edwards;Benjamin Stewart;
Samuel Sanchez;Gregory Morris;Frank Rogers;Raymond Reed;Patrick Cook;Jack Morgan;Dennis Bell;Jerry Murphy;
Tyler Bailey;Aaron Rivera;Jose Cooper;Henry Richardson;Adam Cox;Douglas Howard;Nathan Ward;Peter Peterson;
Zachary Gray;Kyle Ramirez;Walter James;Harold Watson;Jeremy Brooks;Ethan Kelly;Carl Sanders;Keith Price;
Roger Bennett;Gerald Wood;Christian Barnes;Terry Ross;Sean Henderson;Arthur Coleman;Austin Jenkins;
Noah Perry;Lawrence Powell;Jesse Long;Joe Patterson;Bryan Hughes;Billy Flores;Jordan Washington;
Albert Butler;Dylan Simmons;Bruce Foster;Willie Gonzales;Gabriel Bryant;Alan Alexander;Juan Russell;
Logan Griffin;Wayne Diaz;Ralph Hayes;Roy Myers;Eugene Ford;Randy Hamilton;Vincent Graham;Russell Sullivan;
Louis Wallace;Philip Woods;Bobby Cole;Johnny West;Bradley Jordan;Hiroshi Tanaka;Yuki Sato;Kenji Suzuki;
Nguyen Van An;Tran Thi Mai;Priya Sharma;Rahul Gupta;Sven Johansson;Lars Nielsen;Pierre Dubois;
Giulia Rossi;Hans Mueller;Anna Kowalska;Olena Shevchenko;Joao Silva;Ana Santos;Carlos Perez""".replace("\n", "")
for q in NEG_OTHER.split(";"):
    add(q.strip(), "", "neg-common", kind="person")

NEG_FIRMS = """Samsung Electronics Co., Ltd.;Hyundai Motor Company;Kakao Corp;Naver Corporation;LG Electronics Inc;
SK Hynix Inc;POSCO Holdings;Korea Zinc Co Ltd;Korea Electric Power Corporation;Korea Gas Corporation;
Hanwha Aerospace;Lotte Shopping;CJ CheilJedang;Coupang Inc;Krafton Inc;Nexon Korea Corporation;NCSoft Corporation;
Doosan Enerbility;Kia Corporation;Hana Financial Group;Shinhan Bank;Woori Bank;KB Kookmin Bank;
Korea Development Bank;Industrial Bank of Korea;Korea Exchange Bank;Korean Air Lines Co Ltd;Asiana Airlines;
HMM Co Ltd;Pan Ocean Co Ltd;Korea Line Corporation;Sinokor Merchant Marine;Hyundai Heavy Industries;
Samsung Heavy Industries;Daewoo Shipbuilding & Marine Engineering;Korea Shipbuilding & Offshore Engineering;
Kumho Tire Co;Daesung Industrial Co Ltd;Samil PwC;Hanjin Shipping;Korea Trade-Investment Promotion Agency;
Korea Investment Corporation;Mirae Asset Securities;Shinsegae Inc;E-Mart Inc;GS Caltex Corporation;
S-Oil Corporation;Korea Aerospace Industries;Hanmi Pharm;Celltrion Inc;Samsung Biologics;Amorepacific Corporation;
Nongshim Co Ltd;Orion Corporation;Hite Jinro;Kyobo Life Insurance;Hanwha Life;Korea Telecom;KT Corporation;
SK Telecom Co Ltd;LG Uplus;Toss Viva Republica;Line Plus Corporation;Woowa Brothers Corp;Yanolja Co;
Smilegate;Pearl Abyss Corp;Netmarble Corp;Kakao Bank;K Bank;Kookmin Bank Hong Kong;Daesang Corporation;
Silver Star Trading LLC;Golden Star Technology Co Ltd;Ocean Maritime Services Ltd;Pacific Shipping Agency;
Green Pine Landscaping LLC;Global Trading Company Limited;First National Bank;East West Bank;
International Commercial Bank of China;China Construction Bank;Bank of China;Industrial and Commercial Bank of China;
Shenyang Network Technology Co Ltd;Dandong Trading Co Ltd;Liaoning Port Group;Vladivostok Sea Fishing Port;
Fortune Technology LLC;Alpine Trading GmbH;Star Technology Development Company;Pioneer Real Estate LLC;
Network Technology Solutions Inc;Korea Technology Development Corporation;Information Technology Cooperation Agency;
Dalian Port Company Limited;Hong Kong Electric Holdings;Leader Electronics Inc;Daewon Pharmaceutical;
Sobaek Trading;Songkwang Motors;Osong Medical Innovation Foundation;Mangyong Restaurant""".replace("\n", "")
for q in NEG_FIRMS.split(";"):
    add(q.strip(), "", "neg-company", kind="entity")

with open("names.tsv", "w") as f:
    f.write("# query\tdob\tcountry\tkind\texpected\tcategory  (generated by make_names.py; see README.md)\n")
    for r in rows:
        f.write("\t".join(r) + "\n")
print(len(rows), "rows")
